/// 2-D pooling (torch.nn.functional: max_pool2d, avg_pool2d, adaptive_avg_pool2d) over the last two
/// dimensions; the kernels are in `Kernels/PoolingKernels.swift`.
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

    public static func adaptiveAvgPool2d(_ input: Tensor, outputSize target: [Int]) throws -> Tensor {
        let out = try GradMode.noGrad { try adaptiveAvgPool2dValues(input, outputSize: target) }
        recordOperation("AdaptiveAvgPool2DBackward0", inputs: [input], outputs: [out]) { grads in
            [try grads[0].map { try adaptiveAvgPool2dGradient($0, input: input, outputSize: target) }]
        }
        return out
    }
}
