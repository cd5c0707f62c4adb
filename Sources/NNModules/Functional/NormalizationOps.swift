/// Normalizations (torch.nn.functional: batch_norm with batch statistics in training and running statistics
/// in eval, layer_norm, group_norm, rms_norm).
extension Tensor {
    public static func batchNorm(_ input: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor?, bias: Tensor?,
                                 training: Bool, momentum: Double, eps: Double) throws -> Tensor {
        // Eval statistics are read before the call (training updates the running buffers in place).
        let statistics = training ? nil : try GradMode.noGrad { (try runningMean?.clone(), try runningVar?.clone()) }
        let out = try GradMode.noGrad { try batchNormValues(input, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias, training: training, momentum: momentum, eps: eps) }
        recordOperation("NativeBatchNormBackward0", inputs: [input, weight, bias], outputs: [out], saving: [input, weight]) { grads in
            guard let g = grads[0] else { return [nil, nil, nil] }
            return try Derivatives.batchNorm(g, input: input, weight: weight, bias: bias, runningStatistics: statistics, eps: eps)
        }
        return out
    }

    public static func groupNorm(_ input: Tensor, numGroups: Int, weight: Tensor?, bias: Tensor?, eps: Double) throws -> Tensor {
        let out = try GradMode.noGrad { try groupNormValues(input, numGroups: numGroups, weight: weight, bias: bias, eps: eps) }
        recordOperation("NativeGroupNormBackward0", inputs: [input, weight, bias], outputs: [out], saving: [input, weight]) { grads in
            guard let g = grads[0] else { return [nil, nil, nil] }
            return try Derivatives.groupNorm(g, input: input, numGroups: numGroups, weight: weight, bias: bias, eps: eps)
        }
        return out
    }

    public static func layerNorm(_ input: Tensor, normalizedShape: [Int], weight: Tensor?, bias: Tensor?, eps: Double) throws -> Tensor {
        let out = try GradMode.noGrad { try layerNormValues(input, normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps) }
        recordOperation("NativeLayerNormBackward0", inputs: [input, weight, bias], outputs: [out], saving: [input, weight]) { grads in
            guard let g = grads[0] else { return [nil, nil, nil] }
            return try Derivatives.layerNorm(g, input: input, normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps)
        }
        return out
    }

    public static func rmsNorm(_ input: Tensor, normalizedShape: [Int], weight: Tensor?, eps: Double) throws -> Tensor {
        let out = try GradMode.noGrad { try rmsNormValues(input, normalizedShape: normalizedShape, weight: weight, eps: eps) }
        recordOperation("RmsNormBackward0", inputs: [input, weight], outputs: [out], saving: [input, weight]) { grads in
            guard let g = grads[0] else { return [nil, nil] }
            return try Derivatives.rmsNorm(g, input: input, normalizedShape: normalizedShape, weight: weight, eps: eps)
        }
        return out
    }
}
