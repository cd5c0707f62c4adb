import Foundation
import NNModules
import Testing

/// The typed CPU kernels against hand-derived values and naive references: broadcasting and strided
/// operands, the SIMD math, softmax, normalization, pooling edge cases, BLAS operand layouts, convolution
/// paths and half-precision round trips.
@Suite struct KernelTests {
    static func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-5) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tolerance * Swift.max(1, Swift.abs($1)) }
    }

    @Test func broadcastingAndStridedOperands() throws {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(try (a + Tensor([10, 20, 30], shape: [3])).toDoubles() == [11, 22, 33, 14, 25, 36])
        #expect(try (a * Tensor([2, 3], shape: [2, 1])).toDoubles() == [2, 4, 6, 12, 15, 18])
        #expect(try (a.t() - Tensor([1, 1], shape: [2])).toDoubles() == [0, 3, 1, 4, 2, 5])
        let outer = try Tensor([1, 2], shape: [2, 1, 1]) * Tensor([1, 10, 100], shape: [1, 3])
        #expect(outer.sizes == [2, 1, 3])
        #expect(try outer.toDoubles() == [1, 10, 100, 2, 20, 200])
        #expect(try (a / 2.0).toDoubles() == [0.5, 1, 1.5, 2, 2.5, 3])
        #expect(try (Tensor.arange(0, 3) + 1).dtype == .int64)
        #expect(try a.maximum(Tensor(scalar: 3.5)).toDoubles() == [3.5, 3.5, 3.5, 4, 5, 6])
    }

    /// `F.linear` on float32 contiguous operands writes its output directly (a loop for small layers,
    /// GEMM above): both agree with `input @ weight.T + bias`, with and without bias, for batched inputs,
    /// and strided or double inputs still take the general path.
    @Test(arguments: [(1, 2, 2), (3, 5, 7), (2, 400, 120), (37, 64, 96)])
    func linearMatchesMatmulPlusBias(m: Int, k: Int, n: Int) throws {
        let input = Tensor.randn([m, k]), weight = Tensor.randn([n, k]), bias = Tensor.randn([n])
        let reference = try (try input.matmul(weight.t())) + bias
        #expect(Self.close(try Tensor.linear(input, weight: weight, bias: bias).toDoubles(), try reference.toDoubles(), 1e-4))
        #expect(Self.close(try Tensor.linear(input, weight: weight, bias: nil).toDoubles(), try input.matmul(weight.t()).toDoubles(), 1e-4))
        let batched = try Tensor.linear(input.unsqueeze(0), weight: weight, bias: bias)
        #expect(batched.sizes == [1, m, n])
        let strided = try Tensor.linear(input.t().contiguous().t(), weight: weight, bias: bias)
        #expect(Self.close(try strided.toDoubles(), try reference.toDoubles(), 1e-4))
        let doubles = try Tensor.linear(input.to(dtype: .float64), weight: weight.to(dtype: .float64), bias: bias.to(dtype: .float64))
        #expect(doubles.dtype == .float64)
        #expect(Self.close(try doubles.toDoubles(), try reference.toDoubles(), 1e-4))
    }

    @Test func vectorMathMatchesLibm() throws {
        let values = stride(from: -12.0, through: 12.0, by: 0.173).map { $0 } + [0, 1e-6, -1e-6, 90, -100]
        let x = Tensor(values, shape: [values.count])
        let checks: [(Tensor, (Double) -> Double)] = [
            (try x.exp(), { Foundation.exp($0) }), (try x.tanh(), { Foundation.tanh($0) }),
            (try x.erf(), { Foundation.erf($0) }), (try x.sigmoid(), { 1 / (1 + Foundation.exp(-$0)) }),
            (try x.gelu(), { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }),
            (try x.gelu(approximate: "tanh"), { 0.5 * $0 * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * ($0 + 0.044715 * $0 * $0 * $0))) }),
            (try x.silu(), { $0 / (1 + Foundation.exp(-$0)) }),
        ]
        for (result, reference) in checks {
            let got = try result.toDoubles()
            for (v, g) in zip(values, got) where v < 88 {
                let want = reference(v)
                #expect(Swift.abs(g - want) <= 1e-6 * Swift.max(1, Swift.abs(want)) + 3e-7, "x=\(v): \(g) vs \(want)")
            }
        }
        #expect(try Tensor([.nan], shape: [1]).exp().toDoubles()[0].isNaN)
        #expect(try Tensor([-.infinity], shape: [1]).exp().toDoubles() == [0])
    }

    @Test func activationsKeepEdgeValues() throws {
        let x = Tensor([-2, -0.5, 0, 3, 7, .nan], shape: [6])
        let relu = try x.relu().toDoubles()
        #expect(Array(relu.prefix(5)) == [0, 0, 0, 3, 7] && relu[5].isNaN)
        #expect(Array(try x.relu6().toDoubles().prefix(5)) == [0, 0, 0, 3, 6])
        #expect(Array(try x.leakyRelu(negativeSlope: 0.1).toDoubles().prefix(3)).map { ($0 * 100).rounded() } == [-20, -5, 0])
        #expect(Array(try x.hardswish().toDoubles().prefix(5)).map { ($0 * 1e6).rounded() / 1e6 } == [-0.333333, -0.208333, 0, 3, 7])
    }

    @Test func softmaxAlongAnyDimension() throws {
        let x = Tensor([1, 2, 3, 4, 5, 7], shape: [2, 3])
        let rows = try x.softmax(dim: -1).toDoubles()
        let e = [1.0, 2, 3].map { Foundation.exp($0 - 3) }
        #expect(Self.close(Array(rows.prefix(3)), e.map { $0 / e.reduce(0, +) }))
        let columns = try x.softmax(dim: 0)
        #expect(Self.close(try columns.sum(dims: [0]).toDoubles(), [1, 1, 1]))
        #expect(Self.close(try x.logSoftmax(dim: 1).exp().toDoubles(), rows))
        let masked = Tensor([0, -Double(Float.greatestFiniteMagnitude)], shape: [1, 2])
        #expect(try masked.softmax(dim: -1).toDoubles() == [1, 0])
    }

    @Test func layerAndRMSNorm() throws {
        let x = Tensor([1, 2, 3, 4, 2, 2, 2, 2], shape: [2, 4])
        let y = try Tensor.layerNorm(x, normalizedShape: [4], weight: Tensor([1, 1, 2, 2], shape: [4]),
                                     bias: Tensor([0, 0, 0, 1], shape: [4]), eps: 1e-12)
        let s = 1.25.squareRoot()
        #expect(Self.close(try y.toDoubles(), [-1.5 / s, -0.5 / s, 1 / s, 3 / s + 1, 0, 0, 0, 1]))
        let r = try Tensor.rmsNorm(x, normalizedShape: [4], weight: nil, eps: 1e-12)
        #expect(Self.close(Array(try r.toDoubles().suffix(4)), [1, 1, 1, 1]))
    }

    @Test func poolingPaddingCeilModeAndDivisors() throws {
        let x = Tensor((1...16).map(Double.init), shape: [1, 1, 4, 4])
        let maxPadded = try Tensor.maxPool2d(x, kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], ceilMode: false)
        #expect(try maxPadded.toDoubles() == [6, 8, 14, 16])
        let ceil = try Tensor.maxPool2d(x, kernel: [3, 3], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: true)
        #expect(ceil.sizes == [1, 1, 2, 2])
        #expect(try ceil.toDoubles() == [11, 12, 15, 16])
        let include = try Tensor.avgPool2d(x, kernel: [2, 2], stride: [2, 2], padding: [1, 1], ceilMode: false,
                                           countIncludePad: true, divisorOverride: nil)
        #expect(try include.toDoubles().prefix(2) == [0.25, 1.25])
        let exclude = try Tensor.avgPool2d(x, kernel: [2, 2], stride: [2, 2], padding: [1, 1], ceilMode: false,
                                           countIncludePad: false, divisorOverride: nil)
        #expect(try exclude.toDoubles().prefix(2) == [1, 2.5])
        #expect(try Tensor.adaptiveAvgPool2d(x, outputSize: [1, 1]).toDoubles() == [8.5])
        #expect(try Tensor.adaptiveAvgPool2d(x, outputSize: [3, 3]).sizes == [1, 1, 3, 3])
    }

    @Test func matmulReadsTransposedAndBroadcastOperandsInPlace() throws {
        let a = Tensor.randn([2, 3, 4, 5]), b = Tensor.randn([2, 3, 6, 5])
        let viaView = try a.matmul(try b.transpose(-1, -2))
        let viaCopy = try a.matmul(try b.transpose(-1, -2).contiguous())
        #expect(Self.close(try viaView.toDoubles(), try viaCopy.toDoubles()))
        let shared = Tensor.randn([5, 2])
        let broadcast = try a.matmul(shared)
        #expect(broadcast.sizes == [2, 3, 4, 2])
        #expect(Self.close(try broadcast.select(1, 2).select(0, 1).toDoubles(), try a.select(1, 2).select(0, 1).matmul(shared).toDoubles()))
        let v = try Tensor([1, 2], shape: [2]).matmul(Tensor([1, 2, 3, 4], shape: [2, 2]))
        #expect(try v.toDoubles() == [7, 10])
        let added = try Tensor.addmm(Tensor([1, 2], shape: [2]), Tensor([1, 2, 3, 4], shape: [2, 2]), Tensor([1, 0, 0, 1], shape: [2, 2]))
        #expect(try added.toDoubles() == [2, 4, 4, 6])
    }

    /// A direct 2-D convolution in Double, for comparison.
    static func naiveConv(_ x: Tensor, _ w: Tensor, stride: Int, padding: Int, groups: Int) throws -> [Double] {
        let (n, c, h, wd) = (x.sizes[0], x.sizes[1], x.sizes[2], x.sizes[3])
        let (o, cg, kh, kw) = (w.sizes[0], w.sizes[1], w.sizes[2], w.sizes[3])
        let oh = (h + 2 * padding - kh) / stride + 1, ow = (wd + 2 * padding - kw) / stride + 1
        let xs = try x.toDoubles(), ws = try w.toDoubles()
        var out = [Double](repeating: 0, count: n * o * oh * ow)
        for b in 0..<n { for oc in 0..<o { for y in 0..<oh { for xx in 0..<ow {
            var s = 0.0
            let group = oc / (o / groups)
            for ic in 0..<cg { for ky in 0..<kh { for kx in 0..<kw {
                let iy = y * stride - padding + ky, ix = xx * stride - padding + kx
                if iy < 0 || iy >= h || ix < 0 || ix >= wd { continue }
                s += xs[((b * c + group * cg + ic) * h + iy) * wd + ix] * ws[((oc * cg + ic) * kh + ky) * kw + kx]
            } } }
            out[((b * o + oc) * oh + y) * ow + xx] = s
        } } } }
        return out
    }

    @Test(arguments: [(groups: 1, kernel: 3, stride: 1, padding: 1), (groups: 1, kernel: 1, stride: 1, padding: 0),
                      (groups: 2, kernel: 3, stride: 2, padding: 1), (groups: 4, kernel: 3, stride: 2, padding: 1),
                      (groups: 4, kernel: 5, stride: 1, padding: 2)])
    func convolutionPathsMatchADirectConvolution(groups: Int, kernel: Int, stride: Int, padding: Int) throws {
        let conv = try Conv2d(4, 8, kernelSize: .int(kernel), stride: .int(stride), padding: .explicit(.int(padding)),
                              groups: groups, bias: false)
        let x = Tensor.randn([2, 4, 7, 6])
        let weight = try #require(conv.weight)
        let expected = try Self.naiveConv(x, weight, stride: stride, padding: padding, groups: groups)
        #expect(Self.close(try conv(x).toDoubles(), expected, 1e-4))
    }

    @Test func halfTensorsComputeInFloatAndStayHalf() throws {
        let x = try Tensor([0.5, 1.5, -2], shape: [3]).half()
        let y = try x * x
        #expect(y.dtype == .float16)
        #expect(try y.toDoubles() == [0.25, 2.25, 4])
        #expect(try (x + Tensor([1, 1, 1], shape: [3])).dtype == .float32)
        #expect(try x.bfloat16().exp().dtype == .bfloat16)
    }

    @Test func maskedFillSplitChunkAndStack() throws {
        let x = Tensor([1, 2, 3, 4], shape: [2, 2])
        let mask = try Tensor([0, 1], shape: [2]).to(dtype: .bool)
        #expect(try x.maskedFill(mask, -9).toDoubles() == [1, -9, 3, -9])
        #expect(try Tensor.arange(0, 5).split(2).map { $0.sizes } == [[2], [2], [1]])
        #expect(try Tensor.arange(0, 6).chunk(4).map { try $0.toDoubles() } == [[0, 1], [2, 3], [4, 5]])
        let stacked = try Tensor.stack([x, x], dim: 1)
        #expect(stacked.sizes == [2, 2, 2])
        #expect(try stacked.toDoubles() == [1, 2, 1, 2, 3, 4, 3, 4])
    }
}
