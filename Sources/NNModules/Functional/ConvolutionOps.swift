/// 2-D convolution and transposed convolution (torch.nn.functional: conv2d, conv_transpose2d) over a
/// resolved geometry; the kernels are in `Kernels/Convolution.swift` and `Kernels/TransposedConvolution.swift`.
extension Tensor {
    static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: Conv2dGeometry) throws -> Tensor {
        let out = try GradMode.noGrad { try conv2dValues(input, weight: weight, bias: bias, geometry: g) }
        recordOperation("ConvolutionBackward0", inputs: [input, weight, bias], outputs: [out], saving: [input, weight]) { grads in
            guard let gy = grads[0] else { return [nil, nil, nil] }
            let (gi, gw, gb) = try conv2dGradients(gy, input: input, weight: weight, hasBias: bias != nil, geometry: g,
                                                   needsInput: input.requiresGrad, needsWeight: weight.requiresGrad)
            return [gi, gw, gb]
        }
        return out
    }

    static func convTranspose2d(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry t: ConvTranspose2dGeometry) throws -> Tensor {
        let out = try GradMode.noGrad { try convTranspose2dValues(input, weight: weight, bias: bias, geometry: t) }
        recordOperation("ConvolutionBackward0", inputs: [input, weight, bias], outputs: [out], saving: [input, weight]) { grads in
            guard let gy = grads[0] else { return [nil, nil, nil] }
            return try convTranspose2dGradients(gy, input: input, weight: weight, bias: bias, geometry: t)
        }
        return out
    }
}
