/// Reductions (torch: sum, mean, var, amax, amin, argmax), over all elements or chosen dimensions; the
/// kernels are in `Kernels/Reduction.swift`.
extension Tensor {
    private var meanType: DType {
        get throws {
            guard dtype.isFloatingPoint else {
                throw TorchError.runtimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype.rawValue.capitalized)")
            }
            return dtype
        }
    }

    /// Integers sum to int64, like PyTorch.
    private var sumType: DType { dtype.isFloatingPoint ? dtype : .int64 }

    /// torch: `sum()` over all elements.
    public func sum() throws -> Tensor {
        let out = try GradMode.noGrad { try reduce(.sum, dims: [], keepdim: false, dtype: sumType) }
        Tensor.recordOperation("SumBackward0", inputs: [self], outputs: [out]) { [sizes] grads in
            [try grads[0].map { try Derivatives.sum($0, inputShape: sizes) }]
        }
        return out
    }

    /// torch: `sum(dims, keepdim)`.
    public func sum(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        try reduced(.sum, dims: dims, keepdim: keepdim, dtype: sumType)
    }

    /// torch: `mean()` over all elements.
    public func mean() throws -> Tensor {
        let out = try GradMode.noGrad { try reduce(.mean, dims: [], keepdim: false, dtype: try meanType) }
        Tensor.recordOperation("MeanBackward0", inputs: [self], outputs: [out]) { [sizes] grads in
            [try grads[0].map { try Derivatives.mean($0, inputShape: sizes) }]
        }
        return out
    }

    /// torch.mean(dim, keepdim): RMSNorm's `pow(2).mean(-1, keepdim=True)`, global average pooling.
    public func mean(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        try reduced(.mean, dims: dims, keepdim: keepdim, dtype: try meanType)
    }

    public func mean(dim: Int, keepdim: Bool = false) throws -> Tensor { try mean(dims: [dim], keepdim: keepdim) }

    /// torch: `var(dims, correction=1, keepdim)`.
    public func variance(dims: [Int], correction: Int = 1, keepdim: Bool = false) throws -> Tensor {
        try reduced(.variance(correction: correction), dims: dims, keepdim: keepdim, dtype: try meanType)
    }

    /// torch: `amax(dims, keepdim)`; all dimensions when `dims` is empty. (Named like torch's `amax`:
    /// a method called `max` would shadow `Swift.max` in every Tensor extension.)
    public func amax(dims: [Int] = [], keepdim: Bool = false) throws -> Tensor {
        try reduced(.max, dims: dims, keepdim: keepdim, dtype: dtype)
    }

    /// torch: `amin(dims, keepdim)`; all dimensions when `dims` is empty.
    public func amin(dims: [Int] = [], keepdim: Bool = false) throws -> Tensor {
        try reduced(.min, dims: dims, keepdim: keepdim, dtype: dtype)
    }

    /// torch: `argmax(dim, keepdim)`; without `dim`, the index into the flattened tensor.
    public func argmax(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        guard let dim else { return try reshape([-1]).reduce(.argmax, dims: [0], keepdim: false, dtype: .int64) }
        return try reduce(.argmax, dims: [dim], keepdim: keepdim, dtype: .int64)
    }
}

extension Tensor {
    /// `reduce` computed without recording, then its node.
    func reduced(_ op: ReductionOp, dims: [Int], keepdim: Bool, dtype: DType) throws -> Tensor {
        let out = try GradMode.noGrad { try reduce(op, dims: dims, keepdim: keepdim, dtype: dtype) }
        guard out.dtype.isFloatingPoint, GradMode.isEnabled, requiresGrad else { return out }
        let axes = dims.isEmpty ? Array(sizes.indices) : try dims.map { try normalizeDim($0) }.sorted()
        let name: String
        switch op {
        case .sum: name = "SumBackward1"
        case .mean: name = "MeanBackward1"
        case .variance: name = "VarBackward0"
        case .max: name = "AmaxBackward0"
        case .min: name = "AminBackward0"
        case .argmax: return out
        }
        let x = self, y = out.detach()
        let reads: [Tensor] = switch op {
        case .variance: [x]
        case .max, .min: [x, out]
        default: []
        }
        Tensor.recordOperation(name, inputs: [x], outputs: [out], saving: reads) { grads in
            [try grads[0].map { try Derivatives.reduction(op, $0, input: x, output: y, axes: axes, keepdim: keepdim) }]
        }
        return out
    }
}
