/// The derivative of 2-D convolution: the input gradient scatters `Wᵀ·g` back through col2im (a transposed
/// convolution), the weight gradient is `g·colsᵀ` over im2col columns, the bias gradient sums `g` over batch
/// and positions — the same matrices the forward multiplies. A transposed convolution is the input
/// gradient of a convolution, so its own derivative is that convolution (input) and the convolution's
/// weight gradient with the roles of input and output gradient swapped (weight). Like PyTorch's
/// `output_mask`, a gradient nobody needs (the image fed to the first convolution, a frozen weight) is not
/// computed at all.
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
            // The convolution whose input gradient this transposed convolution is: from the [outH, outW]
            // output back to [height, width] (output_padding ≥ stride, possible with dilation, leaves
            // extra rows and columns that are cut off).
            let c = Conv2dGeometry(batch: t.batch, inChannels: t.outChannels, height: t.outH, width: t.outW,
                                   outChannels: t.inChannels, kernelH: t.kernelH, kernelW: t.kernelW,
                                   strideH: t.strideH, strideW: t.strideW, padTop: t.padH, padLeft: t.padW,
                                   padBottom: t.padH, padRight: t.padW, dilationH: t.dilationH, dilationW: t.dilationW,
                                   groups: t.groups)
            let gInput = try conv2dValues(gy, weight: weight, bias: nil, geometry: c)
                .narrow(2, start: 0, length: t.height).narrow(3, start: 0, length: t.width).contiguous()
            let x = try input.pad([0, c.outW - t.width, 0, c.outH - t.height])
            let gWeight = weight.requiresGrad
                ? try conv2dGradients(x, input: gy, weight: weight, hasBias: false, geometry: c, needsInput: false).weight : nil
            let gBias = try bias.map { _ in try gy.sum(dims: [0, 2, 3]) }
            return [gInput, gWeight, gBias]
        }
        return out
    }

    static func conv2dGradients(_ g: Tensor, input: Tensor, weight: Tensor, hasBias: Bool, geometry c: Conv2dGeometry,
                                needsInput: Bool = true, needsWeight: Bool = true) throws
        -> (input: Tensor?, weight: Tensor?, bias: Tensor?) {
        let compute = ComputeType.of(TypePromotion.result(input.dtype, weight.dtype))
        let x = try input.contiguous(as: compute), gy = try g.contiguous(as: compute)
        let cinG = c.inChannels / c.groups, coutG = c.outChannels / c.groups
        let kdim = cinG * c.kernelH * c.kernelW, spatial = c.outH * c.outW
        let back = ConvTranspose2dGeometry(
            batch: c.batch, inChannels: c.outChannels, height: c.outH, width: c.outW, outChannels: c.inChannels,
            kernelH: c.kernelH, kernelW: c.kernelW, strideH: c.strideH, strideW: c.strideW, padH: c.padTop, padW: c.padLeft,
            outputPadH: c.height - ((c.outH - 1) * c.strideH - 2 * c.padTop + c.dilationH * (c.kernelH - 1) + 1),
            outputPadW: c.width - ((c.outW - 1) * c.strideW - 2 * c.padLeft + c.dilationW * (c.kernelW - 1) + 1),
            dilationH: c.dilationH, dilationW: c.dilationW, groups: c.groups)
        let gradInput = Tensor.zeros(needsInput ? x.sizes : [0], dtype: compute)
        var gradWeight = Tensor.zeros(needsWeight ? [c.outChannels, kdim] : [0], dtype: compute)
        let cols = Tensor.empty(needsWeight ? [kdim, spatial] : [0], dtype: compute)
        for n in 0..<c.batch {
            for grp in 0..<c.groups {
                let w = try weight.narrow(0, start: grp * coutG, length: coutG).reshape([coutG, kdim]).contiguous(as: compute)
                let gOut = try gy.select(0, n).narrow(0, start: grp * coutG, length: coutG).reshape([coutG, spatial])
                let imageOffset = (n * c.inChannels + grp * cinG) * c.height * c.width
                if needsInput {
                    let patches = try w.t().matmul(gOut).contiguous(as: compute)
                    if compute == .float64 {
                        col2im(UnsafePointer(patches.elementPointer(Double.self)), gradInput.elementPointer(Double.self) + imageOffset,
                               channels: cinG, back)
                    } else {
                        col2im(UnsafePointer(patches.elementPointer(Float.self)), gradInput.elementPointer(Float.self) + imageOffset,
                               channels: cinG, back)
                    }
                }
                guard needsWeight else { continue }
                if compute == .float64 {
                    im2col(UnsafePointer(x.elementPointer(Double.self)) + imageOffset, cols.elementPointer(Double.self), channels: cinG, c)
                } else {
                    im2col(UnsafePointer(x.elementPointer(Float.self)) + imageOffset, cols.elementPointer(Float.self), channels: cinG, c)
                }
                let update = try gOut.matmul(try cols.t())
                let rows = try gradWeight.narrow(0, start: grp * coutG, length: coutG)
                try rows.copy_(try rows + update)
            }
        }
        let gradBias = hasBias ? try gy.transpose(0, 1).reshape([c.outChannels, -1]).sum(dims: [1]) : nil
        return (needsInput ? try gradInput.to(dtype: input.dtype) : nil,
                needsWeight ? try gradWeight.reshape(weight.sizes).to(dtype: weight.dtype) : nil,
                try gradBias?.to(dtype: weight.dtype))
    }
}
