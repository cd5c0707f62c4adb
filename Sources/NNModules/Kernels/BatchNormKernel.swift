/// torch.nn.functional.batch_norm over dimension 1 of `[N, C, *]` inputs: batch statistics in training
/// mode (updating the running statistics in place with `momentum`, the variance unbiased as PyTorch
/// stores it) or the running statistics in eval mode, folded into a per-channel scale and shift.
extension Tensor {
    static func batchNormValues(_ input: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor?, bias: Tensor?,
                                 training: Bool, momentum: Double, eps: Double) throws -> Tensor {
        guard input.rank >= 2 else { throw TorchError.valueError("expected 2D or more input (got \(input.rank)D input)") }
        if input.isMeta { return Tensor(storage: nil, shape: input.sizes, dtype: input.dtype, device: .meta) }
        let channels = input.sizes[1], batch = input.sizes[0], inner = input.sizes[2...].reduce(1, *)
        let perChannel = batch * inner
        if training && perChannel == 1 {
            throw TorchError.valueError("Expected more than 1 value per channel when training, got input size \(torchSize(input.sizes))")
        }
        let compute = ComputeType.of(input.dtype)
        let x = try input.contiguous(as: compute)
        var mean: [Double], variance: [Double]
        if training || runningMean == nil || runningVar == nil {
            let planes = try x.transpose(0, 1).reshape([channels, -1])
            mean = try planes.mean(dims: [1]).to(dtype: .float64).toDoubles()
            variance = try planes.variance(dims: [1], correction: 0).to(dtype: .float64).toDoubles()
            if training, let rm = runningMean, let rv = runningVar {
                let unbiased = variance.map { $0 * Double(perChannel) / Double(Swift.max(perChannel - 1, 1)) }
                let oldMean = try rm.toDoubles(), oldVar = try rv.toDoubles()
                rm.assign(zip(oldMean, mean).map { (1 - momentum) * $0 + momentum * $1 })
                rv.assign(zip(oldVar, unbiased).map { (1 - momentum) * $0 + momentum * $1 })
            }
        } else if let rm = runningMean, let rv = runningVar {
            mean = try rm.toDoubles()
            variance = try rv.toDoubles()
        } else {
            (mean, variance) = ([], [])
        }
        let w = try weight?.toDoubles(), b = try bias?.toDoubles()
        let scale = (0..<channels).map { c in (w?[c] ?? 1) / (variance[c] + eps).squareRoot() }
        let shift = (0..<channels).map { c in (b?[c] ?? 0) - mean[c] * scale[c] }
        let out = Tensor.empty(input.sizes, dtype: compute)
        if compute == .float64 {
            applyChannelAffine(Double.self, x, out, scale, shift, planes: batch * channels, channels: channels, inner: inner)
        } else {
            applyChannelAffine(Float.self, x, out, scale, shift, planes: batch * channels, channels: channels, inner: inner)
        }
        return try out.to(dtype: input.dtype)
    }

    /// `out = x · scale[c] + shift[c]` for each `[inner]` plane of channel `c`.
    private static func applyChannelAffine<T: KernelFloat>(_ type: T.Type, _ input: Tensor, _ output: Tensor, _ scale: [Double],
                                                           _ shift: [Double], planes: Int, channels: Int, inner: Int) {
        let x = input.elementPointer(T.self), out = output.elementPointer(T.self)
        let s = scale.map { T($0) }, t = shift.map { T($0) }
        parallelChunks(planes, grain: Swift.max(1, (1 << 15) / Swift.max(inner, 1))) { range in
            for plane in range {
                let a = s[plane % channels], c = t[plane % channels]
                let src = x + plane * inner, dst = out + plane * inner
                for i in 0..<inner { dst[i] = src[i] * a + c }
            }
        }
    }
}
