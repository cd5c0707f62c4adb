import Foundation
import NNModules
import Testing

/// The tensor operations of the compute issue against float64 finite differences, every differentiable
/// operand at once: broadcasting arithmetic, products, reductions over dimensions, softmax, the pointwise
/// functions, masking, joining and splitting, views, padding and interpolation.
@Suite struct OperationGradientCheckTests {
    /// Checks `f` with respect to each of `inputs`.
    private func check(_ label: String, _ inputs: [Tensor], _ f: ([Tensor]) throws -> Tensor) throws {
        try LayerGradCheck.check(label, Identity(), inputs: inputs, f)
    }

    private func input(_ shape: [Int], _ seed: Int, scale: Double = 1) throws -> Tensor {
        try LayerGradCheck.input(shape, seed: seed, scale: scale)
    }

    @Test func broadcastingArithmetic() throws {
        let a = try input([2, 3, 4], 1), b = try input([3, 1], 2), c = try input([4], 3)
        try check("add", [a, b]) { try $0[0] + $0[1] }
        try check("sub", [a, c]) { try $0[0] - $0[1] }
        try check("mul", [b, a]) { try $0[0] * $0[1] }
        try check("div", [a, try c + 3]) { try $0[0] / $0[1] }
        try check("scalar forms and neg", [a]) { try -(try (try $0[0] * 2.5 + 1) / 4 - 0.5) }
        try check("maximum / minimum with broadcasting", [a, b]) { try $0[0].maximum($0[1]) + $0[0].minimum($0[1] * 0.5) }
    }

    @Test func maximumSplitsTiesEvenly() throws {
        let a = try Tensor([1, 2, 3], shape: [3], dtype: .float64).requiresGrad_()
        let b = try Tensor([1, 5, 0], shape: [3], dtype: .float64).requiresGrad_()
        try a.maximum(b).sum().backward()
        #expect(try a.grad?.toDoubles() == [0.5, 0, 1])
        #expect(try b.grad?.toDoubles() == [0.5, 1, 0])
    }

    @Test func products() throws {
        try check("matmul 2-D", [try input([3, 4], 4), try input([4, 2], 5)]) { try $0[0].matmul($0[1]) }
        try check("matmul broadcast batch", [try input([2, 1, 3, 4], 6), try input([3, 4, 2], 7)]) { try $0[0].matmul($0[1]) }
        try check("matmul vector", [try input([4], 8), try input([2, 4, 3], 9)]) { try $0[0].matmul($0[1]) }
        try check("bmm", [try input([2, 3, 4], 10), try input([2, 4, 2], 11)]) { try $0[0].bmm($0[1]) }
        try check("addmm", [try input([2], 12), try input([3, 4], 13), try input([4, 2], 14)]) { try Tensor.addmm($0[0], $0[1], $0[2]) }
        try check("linear", [try input([2, 3, 4], 15), try input([5, 4], 16), try input([5], 17)]) {
            try Tensor.linear($0[0], weight: $0[1], bias: $0[2])
        }
    }

    @Test func reductions() throws {
        let x = try input([2, 3, 4], 18)
        try check("sum all", [x]) { try $0[0].sum() }
        try check("sum dims keepdim", [x]) { try $0[0].sum(dims: [0, 2], keepdim: true) }
        try check("sum dim", [x]) { try $0[0].sum(dims: [-1]) }
        try check("mean all", [x]) { try $0[0].mean() }
        try check("mean dims", [x]) { try $0[0].mean(dims: [1, 2]) }
        try check("var unbiased", [x]) { try $0[0].variance(dims: [1]) }
        try check("var biased keepdim", [x]) { try $0[0].variance(dims: [0, 2], correction: 0, keepdim: true) }
        try check("amax dim", [x]) { try $0[0].amax(dims: [2]) }
        try check("amax all", [x]) { try $0[0].amax() }
        try check("amin dims keepdim", [x]) { try $0[0].amin(dims: [0, 1], keepdim: true) }
        // argmax is piecewise constant: its result carries no gradient; the selected values do.
        let picked = try x.argmax(dim: 2)
        #expect(picked.dtype == .int64 && !picked.requiresGrad)
    }

    @Test func amaxSharesTies() throws {
        let x = try Tensor([3, 1, 3, 2], shape: [4], dtype: .float64).requiresGrad_()
        try x.amax().backward()
        #expect(try x.grad?.toDoubles() == [0.5, 0, 0.5, 0])
    }

    @Test func softmaxFamily() throws {
        let x = try input([2, 3, 4], 19, scale: 2)
        for dim in [0, 1, 2] {
            try check("softmax dim \(dim)", [x]) { try $0[0].softmax(dim: dim) }
            try check("log_softmax dim \(dim)", [x]) { try $0[0].logSoftmax(dim: dim) }
        }
    }

    @Test func pointwiseFunctions() throws {
        let x = try input([3, 5], 20, scale: 1.5)
        let positive = try x.abs() + 0.5
        try check("exp", [x]) { try $0[0].exp() }
        try check("tanh", [x]) { try $0[0].tanh() }
        try check("erf", [x]) { try $0[0].erf() }
        try check("sigmoid", [x]) { try $0[0].sigmoid() }
        try check("abs", [x]) { try $0[0].abs() }
        try check("sin cos", [x]) { try $0[0].sin() * $0[0].cos() }
        try check("sqrt", [positive]) { try $0[0].sqrt() }
        try check("rsqrt", [positive]) { try $0[0].rsqrt() }
        try check("log", [positive]) { try $0[0].log() }
        try check("pow", [positive]) { try $0[0].pow(2.5) + $0[0].pow(3) }
    }

    @Test func masking() throws {
        let x = try input([2, 3, 4], 21)
        let mask = Tensor((0..<12).map { $0 % 3 == 0 ? 1 : 0 }, shape: [3, 4], dtype: .bool)
        try check("masked_fill broadcast mask", [x]) { try $0[0].maskedFill(mask, -1e9).softmax(dim: -1) }
        try check("triu", [x]) { try $0[0].triu(diagonal: 1) }
        try check("tril", [x]) { try $0[0].tril(diagonal: -1) }
    }

    @Test func joiningAndSplitting() throws {
        let a = try input([2, 3], 22), b = try input([2, 1], 23), c = try input([2, 3], 24)
        try check("cat", [a, b, c]) { try Tensor.cat($0, dim: 1) }
        try check("stack", [a, c]) { try Tensor.stack($0, dim: 1) }
        try check("split", [a]) { x in
            let parts = try x[0].split(2, dim: 1)
            return try Tensor.cat([try parts[1] * 3, try parts[0].exp()], dim: 1)
        }
        try check("chunk", [try input([5, 2], 25)]) { x in
            let parts = try x[0].chunk(3, dim: 0)
            return try parts[0].sum() + parts[2].tanh().sum() * 2
        }
    }

    @Test func views() throws {
        let x = try input([2, 3, 4], 26)
        try check("reshape view", [x]) { try $0[0].reshape([4, 6]).exp() }
        try check("reshape copy of a transposed view", [x]) { try $0[0].transpose(0, 2).reshape([-1]).tanh() }
        try check("permute", [x]) { try $0[0].permute([2, 0, 1]).contiguous().sigmoid() }
        try check("slice with step", [x]) { try $0[0].slice(2, start: 1, end: 4, step: 2).exp() }
        try check("narrow select", [x]) { try $0[0].narrow(1, start: 1, length: 2).select(0, 1) * 3 }
        try check("expand", [try input([3, 1], 27)]) { try $0[0].expand([2, 3, 4]).exp() }
        try check("squeeze unsqueeze flatten", [try input([2, 1, 3], 28)]) { try $0[0].squeeze(1).unsqueeze(0).flatten().exp() }
        try check("view", [x]) { try $0[0].view([3, 8]).t().exp() }
    }

    @Test func padding() throws {
        let x = try input([1, 2, 3, 4], 29)
        try check("pad constant (crop on one side)", [x]) { try $0[0].pad([1, 2, -1, 1], value: 0.5) }
        try check("pad reflect", [x]) { try $0[0].pad([2, 1, 1, 2], mode: .reflect) }
        try check("pad replicate", [x]) { try $0[0].pad([3, 1, 2, 0], mode: .replicate) }
        try check("pad circular", [x]) { try $0[0].pad([1, 2, 3, 2], mode: .circular) }
        try check("pad reflect 1-D", [try input([2, 5], 30)]) { try $0[0].pad([3, 2], mode: .reflect) }
    }

    @Test func interpolation() throws {
        let x = try input([1, 2, 3, 4], 31)
        try check("nearest ×2", [x]) { try $0[0].interpolate(scaleFactor: 2) }
        try check("nearest size", [x]) { try $0[0].interpolate(size: [5, 3]) }
        try check("nearest-exact", [x]) { try $0[0].interpolate(size: [4, 7], mode: "nearest-exact") }
        try check("bilinear", [x]) { try $0[0].interpolate(size: [5, 7], mode: "bilinear", alignCorners: false) }
        try check("bilinear align_corners", [x]) { try $0[0].interpolate(scaleFactor: 1.5, mode: "bilinear", alignCorners: true) }
        try check("linear", [try input([2, 2, 5], 32)]) { try $0[0].interpolate(size: 8, mode: "linear") }
        try check("trilinear", [try input([1, 1, 2, 3, 2], 33)]) { try $0[0].interpolate(size: [3, 4, 3], mode: "trilinear") }
        let up = Upsample(scaleFactor: 2, mode: "bilinear")
        try LayerGradCheck.check("Upsample module", up, inputs: [x]) { try up($0[0]) }
    }

    @Test func gradFnNamesArePyTorchs() throws {
        let x = try input([1, 2, 4, 4], 34).requiresGrad_()
        #expect(try x.pad([1, 1]).gradFnName == "ConstantPadNdBackward0")
        #expect(try x.pad([1, 1, 1, 1], mode: .reflect).gradFnName == "ReflectionPad2DBackward0")
        #expect(try x.pad([1, 1, 0, 1], mode: .replicate).gradFnName == "ReplicationPad2DBackward0")
        #expect(try x.interpolate(scaleFactor: 2).gradFnName == "UpsampleNearest2DBackward0")
        #expect(try x.interpolate(scaleFactor: 2, mode: "bilinear").gradFnName == "UpsampleBilinear2DBackward0")
        #expect(try x.sum(dims: [1]).gradFnName == "SumBackward1")
        #expect(try x.mean(dims: [1]).gradFnName == "MeanBackward1")
        #expect(try x.variance(dims: [1]).gradFnName == "VarBackward0")
        #expect(try x.amax(dims: [1]).gradFnName == "AmaxBackward0")
        #expect(try x.triu().gradFnName == "TriuBackward0")
        #expect(try x.tril().gradFnName == "TrilBackward0")
        #expect(try x.maximum(x).gradFnName == "MaximumBackward0")
        #expect(try x.maskedFill(Tensor.zeros([4], dtype: .bool), 1).gradFnName == "MaskedFillBackward0")
        #expect(try AvgPool2d(2)(x).gradFnName == "AvgPool2DBackward0")
        #expect(try GroupNorm(1, 2, dtype: .float64)(x).gradFnName == "NativeGroupNormBackward0")
        let transposed = try ConvTranspose2d(2, 1, kernelSize: 2, dtype: .float64)
        #expect(try transposed(x).gradFnName == "ConvolutionBackward0")
        let lstm = try LSTM(4, 2, dtype: .float64)
        guard case .tuple(let outputs) = try lstm(.tensor(try x.reshape([2, 4, 4]))) else { throw TorchError.runtimeError("no tuple") }
        #expect(outputs.first?.tensor?.gradFnName == "MkldnnRnnLayerBackward0")
    }
}
