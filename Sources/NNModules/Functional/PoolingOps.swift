/// 2-D pooling over the last two dimensions (torch.nn.functional: max_pool2d, max_pool2d_with_indices,
/// avg_pool2d, adaptive_avg_pool2d); the kernels are in `Kernels/`.
extension Tensor {
    public static func maxPool2d(_ input: Tensor, kernel: [Int], stride: [Int], padding: [Int], dilation: [Int],
                                 ceilMode: Bool) throws -> Tensor {
        let out = try GradMode.noGrad { try maxPool2dValues(input, kernel: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode) }
        recordOperation("MaxPool2DWithIndicesBackward0", inputs: [input], outputs: [out], saving: [input]) { grads in
            guard let gy = grads[0] else { return [nil] }
            let window = PoolWindow(kernel: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
            return [try maxPool2dGradient(gy, input: input, window: window)]
        }
        return out
    }

    public static func avgPool2d(_ input: Tensor, kernel: [Int], stride: [Int], padding: [Int], ceilMode: Bool,
                                 countIncludePad: Bool, divisorOverride: Int?) throws -> Tensor {
        let out = try GradMode.noGrad { try avgPool2dValues(input, kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: divisorOverride) }
        recordOperation("AvgPool2DBackward0", inputs: [input], outputs: [out]) { grads in
            guard let gy = grads[0] else { return [nil] }
            let window = PoolWindow(kernel: kernel, stride: stride, padding: padding, dilation: [1, 1], ceilMode: ceilMode)
            return [try avgPool2dGradient(gy, input: input, window: window, countIncludePad: countIncludePad, divisorOverride: divisorOverride)]
        }
        return out
    }

    /// torch.nn.functional.max_pool2d_with_indices: the maxima and their flat positions `y·W + x` in each
    /// input plane.
    static func maxPool2dWithIndices(_ input: Tensor, _ window: PoolWindow) throws -> (values: Tensor, indices: Tensor) {
        let (out, positions) = try GradMode.noGrad { try maxPool2dWithIndicesValues(input, window) }
        if input.isMeta { return (out, positions) }
        recordOperation("MaxPool2DWithIndicesBackward0", inputs: [input], outputs: [out]) { grads in
            [try grads[0].map { try maxPool2dGradient($0, indices: positions, input: input) }]
        }
        return (out, positions)
    }

    public static func adaptiveAvgPool2d(_ input: Tensor, outputSize target: [Int]) throws -> Tensor {
        let out = try GradMode.noGrad { try adaptiveAvgPool2dValues(input, outputSize: target) }
        recordOperation("AdaptiveAvgPool2DBackward0", inputs: [input], outputs: [out]) { grads in
            [try grads[0].map { try adaptiveAvgPool2dGradient($0, input: input, outputSize: target) }]
        }
        return out
    }
}
