@testable import NNModules
import Testing

/// Winograd F(2×2, 3×3) against the direct-loop definition: odd and even sizes (ragged tile rows and
/// columns), fewer and more than eight tile columns, padding 0/1/2, channel counts that are not multiples
/// of eight, batches, bias, non-contiguous inputs; float64 keeps the im2col path.
@Suite struct WinogradConvolutionTests {
    /// Largest error relative to the largest reference magnitude (at least 1), as the goldens measure it.
    private func relativeError(_ actual: Tensor, _ expected: Tensor) throws -> Double {
        #expect(actual.sizes == expected.sizes)
        let a = try actual.toDoubles(), e = try expected.toDoubles()
        let scale = Swift.max(1, e.map { Swift.abs($0) }.max() ?? 0)
        return zip(a, e).map { Swift.abs($0 - $1) }.max().map { $0 / scale } ?? 0
    }

    private func geometry(_ conv: Conv2d, _ x: Tensor, padding: Int) -> Conv2dGeometry {
        Conv2dGeometry(batch: x.sizes[0], inChannels: x.sizes[1], height: x.sizes[2], width: x.sizes[3],
                       outChannels: conv.outChannels, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1,
                       padTop: padding, padLeft: padding, padBottom: padding, padRight: padding,
                       dilationH: 1, dilationW: 1, groups: 1)
    }

    @Test(arguments: [
        (batch: 1, cin: 16, cout: 16, height: 11, width: 13, padding: 1, bias: true),
        (batch: 2, cin: 20, cout: 24, height: 10, width: 12, padding: 0, bias: false),
        (batch: 1, cin: 32, cout: 17, height: 9, width: 34, padding: 1, bias: true),
        (batch: 3, cin: 16, cout: 16, height: 6, width: 5, padding: 2, bias: true),
        (batch: 1, cin: 24, cout: 40, height: 28, width: 28, padding: 1, bias: false),
    ])
    func matchesTheDirectConvolution(_ c: (batch: Int, cin: Int, cout: Int, height: Int, width: Int, padding: Int, bias: Bool)) throws {
        let conv = try Conv2d(c.cin, c.cout, kernelSize: 3, padding: .explicit(.int(c.padding)), bias: c.bias)
        let x = Tensor.randn([c.batch, c.cin, c.height, c.width])
        #expect(Winograd.applies(geometry(conv, x, padding: c.padding)))
        let expected = try referenceConv2d(x, try #require(conv.weight), bias: conv.bias,
                                           pad: [Int](repeating: c.padding, count: 4))
        #expect(try relativeError(try conv(x), expected) < 2e-6)
    }

    @Test func nonContiguousInputAndLargeValues() throws {
        let conv = try Conv2d(16, 16, kernelSize: 3, padding: 1)
        let x = try (Tensor.randn([2, 16, 12, 10]) * 100).transpose(2, 3)
        #expect(Winograd.applies(geometry(conv, x, padding: 1)))
        let expected = try referenceConv2d(x, try #require(conv.weight), bias: conv.bias, pad: [1, 1, 1, 1])
        #expect(try relativeError(try conv(x), expected) < 2e-6)
    }

    @Test func float64AndSmallOrStridedConvolutionsTakeTheGeneralPath() throws {
        let conv = try Conv2d(16, 16, kernelSize: 3, padding: 1, dtype: .float64)
        let x = Tensor.randn([1, 16, 12, 12], dtype: .float64)
        let expected = try referenceConv2d(x, try #require(conv.weight), bias: conv.bias, pad: [1, 1, 1, 1])
        #expect(try relativeError(try conv(x), expected) < 1e-12)
        let tiny = try Conv2d(16, 16, kernelSize: 3, padding: 1)
        #expect(!Winograd.applies(geometry(tiny, Tensor.empty([1, 16, 7, 7]), padding: 1)))
        #expect(!Winograd.applies(geometry(try Conv2d(8, 16, kernelSize: 3), Tensor.empty([1, 8, 32, 32]), padding: 0)))
    }
}
