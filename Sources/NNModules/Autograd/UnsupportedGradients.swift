/// Operations whose derivative nntop does not have yet: their public entry points compute the values and,
/// when a gradient is being recorded, record a node that refuses backward with a clear error, so a gradient
/// never silently skips them (reverse-mode autograd, issue #7).
extension Tensor {


    static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: Conv2dGeometry) throws -> Tensor {
        let out = try GradMode.noGrad { try conv2dValues(input, weight: weight, bias: bias, geometry: g) }
        recordOperation("ConvolutionBackward0", inputs: [input, weight, bias], outputs: [out]) { grads in
            guard let gy = grads[0] else { return [nil, nil, nil] }
            let (gi, gw, gb) = try conv2dGradients(gy, input: input, weight: weight, hasBias: bias != nil, geometry: g,
                                                   needsInput: input.requiresGrad, needsWeight: weight.requiresGrad)
            return [gi, gw, gb]
        }
        return out
    }


    public static func groupNorm(_ input: Tensor, numGroups: Int, weight: Tensor?, bias: Tensor?, eps: Double) throws -> Tensor {
        let out = try GradMode.noGrad { try groupNormValues(input, numGroups: numGroups, weight: weight, bias: bias, eps: eps) }
        Tensor.recordUnsupported("NativeGroupNormBackward0", inputs: [input, weight, bias], outputs: [out])
        return out
    }



    public static func maxPool2d(_ input: Tensor, kernel: [Int], stride: [Int], padding: [Int], dilation: [Int],
                                 ceilMode: Bool) throws -> Tensor {
        let out = try GradMode.noGrad { try maxPool2dValues(input, kernel: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode) }
        recordOperation("MaxPool2DWithIndicesBackward0", inputs: [input], outputs: [out]) { grads in
            guard let gy = grads[0] else { return [nil] }
            let window = PoolWindow(kernel: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
            return [try maxPool2dGradient(gy, input: input, window: window)]
        }
        return out
    }

    public static func avgPool2d(_ input: Tensor, kernel: [Int], stride: [Int], padding: [Int], ceilMode: Bool,
                                 countIncludePad: Bool, divisorOverride: Int?) throws -> Tensor {
        let out = try GradMode.noGrad { try avgPool2dValues(input, kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: divisorOverride) }
        Tensor.recordUnsupported("AvgPool2DBackward0", inputs: [input], outputs: [out])
        return out
    }


    public func maskedFill(_ mask: Tensor, _ value: Double) throws -> Tensor {
        let out = try GradMode.noGrad { try maskedFillValues(mask, value) }
        Tensor.recordUnsupported("MaskedFillBackward0", inputs: [self], outputs: [out])
        return out
    }

    public func pad(_ pad: [Int], mode: PadMode = .constant, value: Double = 0) throws -> Tensor {
        let out = try GradMode.noGrad { try padValues(pad, mode: mode, value: value) }
        Tensor.recordUnsupported("ConstantPadNdBackward0", inputs: [self], outputs: [out])
        return out
    }

    public func interpolate(size: IntOrTuple? = nil, scaleFactor: Double? = nil, mode: String = "nearest",
                            alignCorners: Bool? = nil, recomputeScaleFactor: Bool? = nil) throws -> Tensor {
        let out = try GradMode.noGrad { try interpolateValues(size: size, scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners, recomputeScaleFactor: recomputeScaleFactor) }
        Tensor.recordUnsupported("UpsampleBackward0", inputs: [self], outputs: [out])
        return out
    }
}
