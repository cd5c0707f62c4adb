/// The derivatives of reductions over chosen dimensions (torch: sum/mean/var/amax/amin with `dim`). The
/// output gradient gets its reduced dimensions back as size 1 and is broadcast over them: as it is for a
/// sum, divided by the count for a mean, times `2(x − mean)/(n − correction)` for a variance, and shared
/// evenly among the tied extreme elements for amax/amin, as PyTorch's formulas do.
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
            guard let g = grads[0] else { return [nil] }
            let count = Double(axes.map { x.sizes[$0] }.reduce(1, *))
            let kept = try x.keepingReducedDims(g, axes: axes, keepdim: keepdim)
            switch op {
            case .sum, .argmax:
                return [try kept.expand(x.sizes).contiguous()]
            case .mean:
                return [try (try kept / count).expand(x.sizes).contiguous()]
            case .variance(let correction):
                let centered = try x - (try x.mean(dims: axes, keepdim: true))
                return [try centered * (try kept * (2 / Swift.max(count - Double(correction), 0)))]
            case .max, .min:
                let winners = try Derivatives.zip(x, try x.keepingReducedDims(y, axes: axes, keepdim: keepdim)) { $0 == $1 ? 1 : 0 }
                let ties = try winners.sum(dims: axes, keepdim: true)
                return [try winners * (try kept / ties)]
            }
        }
        return out
    }

    /// `t` (shaped like a reduction of self over `axes`) with those axes back as size 1.
    func keepingReducedDims(_ t: Tensor, axes: [Int], keepdim: Bool) throws -> Tensor {
        if keepdim { return t }
        var shape = sizes
        for axis in axes { shape[axis] = 1 }
        return try t.reshape(shape)
    }
}
