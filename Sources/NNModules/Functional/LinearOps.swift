/// Matrix products (torch: linear, addmm, matmul, bmm, bilinear), computed through BLAS by `Kernels/Matmul.swift`.
extension Tensor {
    /// torch.nn.functional.linear; records `AddmmBackward0` (`MmBackward0` without bias) over the input folded
    /// to 2-D and `weight.t()`, plus `ViewBackward0` when the input is not 2-D, as PyTorch's graph does.
    public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        let out = try GradMode.noGrad { try linearValues(input, weight: weight, bias: bias) }
        guard GradMode.isEnabled, input.requiresGrad || weight.requiresGrad || (bias?.requiresGrad ?? false) else { return out }
        let k = input.sizes.last ?? 1
        let rows = input.rank == 2 ? input : try input.reshape([-1, k])
        let wT = try weight.t()
        let flat = input.rank == 2 ? out : try GradMode.noGrad { try out.reshape([-1, weight.sizes[0]]) }
        recordOperation(bias == nil ? "MmBackward0" : "AddmmBackward0", inputs: [bias, rows, wT].filter { $0 != nil || bias != nil },
                        outputs: [flat], saving: [input, weight]) { g in
            guard let g = g[0] else { return bias == nil ? [nil, nil] : [nil, nil, nil] }
            return try Derivatives.linear(g, rows: rows, weight: weight, bias: bias)
        }
        if input.rank == 2 { return out }
        let shaped = try flat.view(out.sizes)
        return shaped
    }

    /// torch.addmm(input, mat1, mat2).
    public static func addmm(_ input: Tensor, _ mat1: Tensor, _ mat2: Tensor) throws -> Tensor {
        let out = try GradMode.noGrad { try addmmValues(input, mat1, mat2) }
        recordOperation("AddmmBackward0", inputs: [input, mat1, mat2], outputs: [out], saving: [mat1, mat2]) { g in
            guard let g = g[0] else { return [nil, nil, nil] }
            return try Derivatives.addmm(g, input, mat1, mat2)
        }
        return out
    }

    /// torch.matmul.
    public func matmul(_ other: Tensor) throws -> Tensor {
        let out = try GradMode.noGrad { try matmulValues(other) }
        let a = self
        Tensor.recordOperation(rank == 2 && other.rank == 2 ? "MmBackward0" : "BmmBackward0", inputs: [a, other], outputs: [out], saving: [a, other]) { g in
            guard let g = g[0] else { return [nil, nil] }
            let (ga, gb) = try Derivatives.matmul(g, a, other)
            return [ga, gb]
        }
        return out
    }

    /// torch.bmm: `[b, m, k] × [b, k, n]`.
    public func bmm(_ other: Tensor) throws -> Tensor {
        guard rank == 3, other.rank == 3 else {
            throw TorchError.runtimeError("batch1 must be a 3D tensor")
        }
        guard sizes[0] == other.sizes[0] else {
            throw TorchError.runtimeError("batch1 and batch2 must have same number of batches, got \(sizes[0]) and \(other.sizes[0])")
        }
        return try matmul(other)
    }

    /// torch.nn.functional.bilinear, with ATen's shape checks: x₁·A reshaped as one GEMM, then a batched
    /// product with x₂.
    public static func bilinear(_ input1: Tensor, _ input2: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        guard input1.rank == input2.rank else {
            throw TorchError.runtimeError("bilinear(): input dimensions do not match: got \(input1.rank) and \(input2.rank)")
        }
        for d in 0..<(input1.rank - 1) where input1.sizes[d] != input2.sizes[d] {
            throw TorchError.runtimeError("bilinear(): input batch dimensions do not match: got \(input1.sizes[d]) and \(input2.sizes[d])")
        }
        let (out, in1, in2) = (weight.sizes[0], weight.sizes[1], weight.sizes[2])
        guard input1.sizes.last == in1 else {
            throw TorchError.runtimeError("bilinear(): input1 size does not match weight size: got \(input1.sizes.last ?? 0) but expected \(in1)")
        }
        guard input2.sizes.last == in2 else {
            throw TorchError.runtimeError("bilinear(): input2 size does not match weight size: got \(input2.sizes.last ?? 0) but expected \(in2)")
        }
        if let bias, bias.sizes.first != out {
            throw TorchError.runtimeError("bilinear(): bias size does not match weight size: got \(bias.sizes.first ?? 0) but expected \(out)")
        }
        let lead = Array(input1.sizes.dropLast())
        let rows = lead.reduce(1, *)
        if input1.isMeta || input2.isMeta || weight.isMeta || rows == 0 {
            return Tensor.empty(lead + [out], dtype: TypePromotion.result(input1.dtype, weight.dtype),
                                device: input1.isMeta || input2.isMeta || weight.isMeta ? .meta : .cpu)
        }
        // [rows, in1] · [in1, out·in2] → [rows, out, in2], then · x₂ [rows, in2, 1] → [rows, out].
        let mixed = try input1.reshape([rows, in1]).matmul(try weight.permute([1, 0, 2]).reshape([in1, out * in2]))
        var y = try mixed.reshape([rows, out, in2]).matmul(try input2.reshape([rows, in2, 1])).reshape(lead + [out])
        if let bias { y = try y + bias }
        return y
    }
}
