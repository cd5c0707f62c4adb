/// Derivatives for the rest of the vision and Llama paths: batch norm (batch statistics in training, running
/// statistics in eval), RMS norm, concatenation, adaptive average pooling.
extension Tensor {
    public static func batchNorm(_ input: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor?, bias: Tensor?,
                                 training: Bool, momentum: Double, eps: Double) throws -> Tensor {
        // Eval statistics are read before the call (training updates the running buffers in place).
        let statistics = training ? nil : try GradMode.noGrad { (try runningMean?.clone(), try runningVar?.clone()) }
        let out = try GradMode.noGrad { try batchNormValues(input, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias, training: training, momentum: momentum, eps: eps) }
        let channels = input.sizes[1]
        recordOperation("NativeBatchNormBackward0", inputs: [input, weight, bias], outputs: [out], saving: [input, weight]) { grads in
            guard let g = grads[0] else { return [nil, nil, nil] }
            var running: (mean: [Double], variance: [Double])?
            if let (mean, variance) = statistics, let mean, let variance { running = (try mean.toDoubles(), try variance.toDoubles()) }
            let kernel = BatchNormBackward(batch: input.sizes[0], channels: channels, spatial: input.sizes.dropFirst(2).reduce(1, *),
                                           eps: eps, running: running)
            let (gInput, gWeight, gBias) = try kernel.run(g, input: input, weight: weight, needsInput: input.requiresGrad)
            return [gInput, weight == nil ? nil : gWeight, bias == nil ? nil : gBias]
        }
        return out
    }

    public static func rmsNorm(_ input: Tensor, normalizedShape: [Int], weight: Tensor?, eps: Double) throws -> Tensor {
        let out = try GradMode.noGrad { try rmsNormValues(input, normalizedShape: normalizedShape, weight: weight, eps: eps) }
        let n = normalizedShape.reduce(1, *)
        recordOperation("RmsNormBackward0", inputs: [input, weight], outputs: [out], saving: [input, weight]) { grads in
            guard let g = grads[0] else { return [nil, nil] }
            let gNormalized = try weight.map { try g * $0 } ?? g
            let gInput = try Derivatives.normalizeRows(gNormalized, input: try input.contiguous(), rowLength: n, eps: eps, centered: false)
            let gWeight = try weight.map { _ in
                let normalized = try rmsNormValues(input, normalizedShape: normalizedShape, weight: nil, eps: eps)
                return try (try g * normalized).contiguous().reshape([-1, n]).sum(dims: [0]).reshape(normalizedShape)
            }
            return [gInput, gWeight]
        }
        return out
    }

    public static func cat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        let out = try GradMode.noGrad { try catValues(tensors, dim: dim) }
        guard let first = tensors.first else { return out }
        let d = try first.normalizeDim(dim)
        recordOperation("CatBackward0", inputs: tensors, outputs: [out]) { grads in
            guard let g = grads[0] else { return tensors.map { _ in nil } }
            var start = 0
            return try tensors.map { t in
                defer { start += t.sizes[d] }
                return try g.narrow(d, start: start, length: t.sizes[d]).contiguous()
            }
        }
        return out
    }

    public static func adaptiveAvgPool2d(_ input: Tensor, outputSize target: [Int]) throws -> Tensor {
        let out = try GradMode.noGrad { try adaptiveAvgPool2dValues(input, outputSize: target) }
        recordOperation("AdaptiveAvgPool2DBackward0", inputs: [input], outputs: [out]) { grads in
            guard let g = grads[0] else { return [nil] }
            let h = input.sizes[input.rank - 2], w = input.sizes[input.rank - 1]
            let gv = try g.contiguous().toDoubles()
            let planes = input.count / Swift.max(h * w, 1)
            var result = [Double](repeating: 0, count: input.count)
            for p in 0..<planes {
                for oy in 0..<target[0] {
                    let y0 = (oy * h) / target[0], y1 = ((oy + 1) * h + target[0] - 1) / target[0]
                    for ox in 0..<target[1] {
                        let x0 = (ox * w) / target[1], x1 = ((ox + 1) * w + target[1] - 1) / target[1]
                        let share = gv[(p * target[0] + oy) * target[1] + ox] / Double((y1 - y0) * (x1 - x0))
                        for y in y0..<y1 { for x in x0..<x1 { result[p * h * w + y * w + x] += share } }
                    }
                }
            }
            return [Tensor(result, shape: input.sizes, dtype: input.dtype)]
        }
        return out
    }
}
