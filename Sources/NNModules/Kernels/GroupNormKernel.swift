/// torch.nn.functional.group_norm: statistics per (sample, group) over the group's channels and all
/// spatial positions, then a per-channel affine transform.
extension Tensor {
    static func groupNormValues(_ input: Tensor, numGroups: Int, weight: Tensor?, bias: Tensor?, eps: Double) throws -> Tensor {
        guard input.rank >= 2, numGroups > 0, input.sizes[1] % numGroups == 0 else {
            throw TorchError.runtimeError("Expected number of channels in input to be divisible by num_groups, but got input of shape \(Tensor.pythonShape(input.sizes)) and num_groups=\(numGroups)")
        }
        if input.isMeta { return Tensor(storage: nil, shape: input.sizes, dtype: input.dtype, device: .meta) }
        let compute = ComputeType.of(input.dtype)
        let x = try input.contiguous(as: compute)
        let out = Tensor.empty(input.sizes, dtype: compute)
        let w = try weight?.contiguous(as: compute), b = try bias?.contiguous(as: compute)
        if compute == .float64 {
            groupNormPlanes(Double.self, x, out, w, b, numGroups, eps)
        } else {
            groupNormPlanes(Float.self, x, out, w, b, numGroups, eps)
        }
        return try out.to(dtype: input.dtype)
    }

    private static func groupNormPlanes<T: KernelFloat>(_ type: T.Type, _ input: Tensor, _ output: Tensor, _ weight: Tensor?,
                                                        _ bias: Tensor?, _ groups: Int, _ eps: Double) {
        let channels = input.sizes[1], inner = input.sizes[2...].reduce(1, *)
        let perGroup = channels / groups * inner
        let x = input.elementPointer(T.self), out = output.elementPointer(T.self)
        let w = weight?.elementPointer(T.self), b = bias?.elementPointer(T.self)
        parallelChunks(input.sizes[0] * groups, grain: Swift.max(1, (1 << 14) / Swift.max(perGroup, 1))) { range in
            for slot in range {
                let src = x + slot * perGroup, dst = out + slot * perGroup
                var mean = 0.0
                for i in 0..<perGroup { mean += Double(src[i]) }
                mean /= Double(Swift.max(perGroup, 1))
                var squares = 0.0
                for i in 0..<perGroup { let d = Double(src[i]) - mean; squares += d * d }
                let rstd = 1 / (squares / Double(Swift.max(perGroup, 1)) + eps).squareRoot()
                for c in 0..<(channels / groups) {
                    let channel = (slot % groups) * (channels / groups) + c
                    let scale = T(rstd) * (w?[channel] ?? 1)
                    let shift = (b?[channel] ?? 0) - T(mean) * scale
                    let base = c * inner
                    for i in 0..<inner { dst[base + i] = src[base + i] * scale + shift }
                }
            }
        }
    }
}
