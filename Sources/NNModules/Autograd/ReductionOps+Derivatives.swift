/// The derivatives of reductions (torch: sum/mean over everything, sum/mean/var/amax/amin with `dim`). The
/// output gradient gets its reduced dimensions back as size 1 and is broadcast over them: as it is for a
/// sum, divided by the count for a mean, times `2(x − mean)/(n − correction)` for a variance, and shared
/// evenly among the tied extreme elements for amax/amin, as PyTorch's formulas do.
extension Derivatives {
    public static func sum(_ g: Tensor, inputShape: [Int]) throws -> Tensor {
        try g.reshape([]).expand(inputShape).contiguous()
    }

    public static func mean(_ g: Tensor, inputShape: [Int]) throws -> Tensor {
        try sum(try g / Double(max(inputShape.reduce(1, *), 1)), inputShape: inputShape)
    }

    /// A reduction of `x` over `axes` (sorted) that gave `y`.
    static func reduction(_ op: ReductionOp, _ g: Tensor, input x: Tensor, output y: Tensor, axes: [Int], keepdim: Bool) throws -> Tensor {
        let count = Double(axes.map { x.sizes[$0] }.reduce(1, *))
        let kept = try x.keepingReducedDims(g, axes: axes, keepdim: keepdim)
        switch op {
        case .sum, .argmax:
            return try kept.expand(x.sizes).contiguous()
        case .mean:
            return try (try kept / count).expand(x.sizes).contiguous()
        case .variance(let correction):
            let centered = try x - (try x.mean(dims: axes, keepdim: true))
            return try centered * (try kept * (2 / Swift.max(count - Double(correction), 0)))
        case .max, .min:
            let winners = try zip(x, try x.keepingReducedDims(y, axes: axes, keepdim: keepdim)) { $0 == $1 ? 1 : 0 }
            let ties = try winners.sum(dims: axes, keepdim: true)
            return try winners * (try kept / ties)
        }
    }
}

extension Tensor {
    /// `t` (shaped like a reduction of self over `axes`) with those axes back as size 1.
    func keepingReducedDims(_ t: Tensor, axes: [Int], keepdim: Bool) throws -> Tensor {
        if keepdim { return t }
        var shape = sizes
        for axis in axes { shape[axis] = 1 }
        return try t.reshape(shape)
    }
}
