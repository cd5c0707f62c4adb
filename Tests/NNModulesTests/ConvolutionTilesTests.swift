@testable import NNModules
import Testing

/// im2col tile by tile (a network stem: large column matrix, few filters) and im2col's column phases for
/// strided convolutions, against the direct-loop definition: strides 2 and 3, dilation, asymmetric
/// padding, groups, batches, float64.
@Suite struct ConvolutionTilesTests {
    private func geometry(_ x: Tensor, _ conv: Conv2d, stride: Int, padding: [Int], dilation: Int) -> Conv2dGeometry {
        Conv2dGeometry(batch: x.sizes[0], inChannels: x.sizes[1], height: x.sizes[2], width: x.sizes[3],
                       outChannels: conv.outChannels, kernelH: conv.kernelSize[0], kernelW: conv.kernelSize[1],
                       strideH: stride, strideW: stride, padTop: padding[0], padLeft: padding[1], padBottom: padding[0],
                       padRight: padding[1], dilationH: dilation, dilationW: dilation, groups: conv.groups)
    }

    @Test(arguments: [
        (batch: 1, cin: 3, cout: 16, size: [113, 131], kernel: 7, stride: 2, padding: [3, 3], dilation: 1, groups: 1, dtype: DType.float32),
        (batch: 2, cin: 3, cout: 8, size: [120, 130], kernel: 7, stride: 2, padding: [3, 3], dilation: 1, groups: 1, dtype: .float64),
        (batch: 1, cin: 8, cout: 4, size: [200, 262], kernel: 5, stride: 3, padding: [2, 1], dilation: 2, groups: 1, dtype: .float32),
        (batch: 1, cin: 6, cout: 8, size: [130, 131], kernel: 7, stride: 2, padding: [3, 2], dilation: 1, groups: 2, dtype: .float32),
    ])
    func tiledColumnsMatchTheDirectConvolution(_ c: (batch: Int, cin: Int, cout: Int, size: [Int], kernel: Int, stride: Int,
                                                     padding: [Int], dilation: Int, groups: Int, dtype: DType)) throws {
        let conv = try Conv2d(c.cin, c.cout, kernelSize: .int(c.kernel), stride: .int(c.stride),
                              padding: .explicit(.tuple(c.padding)), dilation: .int(c.dilation), groups: c.groups, dtype: c.dtype)
        let x = Tensor.randn([c.batch, c.cin] + c.size, dtype: c.dtype)
        #expect(geometry(x, conv, stride: c.stride, padding: c.padding, dilation: c.dilation).im2colByTiles)
        let expected = try referenceConv2d(x, try #require(conv.weight), bias: conv.bias, stride: [c.stride, c.stride],
                                           pad: c.padding + c.padding, dilation: [c.dilation, c.dilation], groups: c.groups)
        try expectClose(try conv(x), expected, tolerance: c.dtype == .float64 ? 1e-12 : 1e-5)
    }

    @Test func stridedColumnsOfAWholeImage() throws {
        let conv = try Conv2d(8, 12, kernelSize: 3, stride: 2, padding: 1)
        let x = try Tensor.randn([2, 8, 15, 17]).transpose(2, 3)
        #expect(!geometry(x, conv, stride: 2, padding: [1, 1], dilation: 1).im2colByTiles)
        try expectClose(try conv(x), try referenceConv2d(x, try #require(conv.weight), bias: conv.bias, stride: [2, 2], pad: [1, 1, 1, 1]))
    }
}
