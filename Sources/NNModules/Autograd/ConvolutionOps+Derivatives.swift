/// The derivative of 2-D convolution: the input gradient scatters `Wᵀ·g` back through col2im (a transposed
/// convolution), the weight gradient is `g·colsᵀ` over im2col columns, the bias gradient sums `g` over batch
/// and positions — the same matrices the forward multiplies. A transposed convolution is the input
/// gradient of a convolution, so its own derivative is that convolution (input) and the convolution's
/// weight gradient with the roles of input and output gradient swapped (weight). Like PyTorch's
/// `output_mask`, a gradient nobody needs (the image fed to the first convolution, a frozen weight) is not
/// computed at all.
extension Tensor {
    static func convTranspose2dGradients(_ gy: Tensor, input: Tensor, weight: Tensor, bias: Tensor?,
                                         geometry t: ConvTranspose2dGeometry) throws -> [Tensor?] {
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
        // A stride-1 convolution's input gradient is itself a convolution: of the output gradient with the
        // kernel transposed and flipped, padded by k-1-p. That runs on the forward's fast paths (Winograd
        // for 3×3) instead of GEMM + col2im.
        let asConvolution = needsInput && c.strideH == 1 && c.strideW == 1 && c.dilationH == 1 && c.dilationW == 1
            && c.groups == 1 && c.padTop == c.padBottom && c.padLeft == c.padRight
            && c.padTop <= c.kernelH - 1 && c.padLeft <= c.kernelW - 1 && c.batch > 0
        let convolvedInput = asConvolution ? try inputGradientByConvolution(gy, weight: weight, geometry: c, compute: compute) : nil
        let scatterInput = needsInput && !asConvolution
        let gradInput = Tensor.zeros(scatterInput ? x.sizes : [0], dtype: compute)
        let gradWeight = Tensor.empty(needsWeight ? [c.outChannels, kdim] : [0], dtype: compute)
        let w = try weight.contiguous(as: compute)
        func run<T: KernelFloat>(_: T.Type) {
            let wp = w.elementPointer(T.self), gp = gy.elementPointer(T.self), xp = x.elementPointer(T.self)
            let gi = scatterInput ? gradInput.elementPointer(T.self) : nil, gw = needsWeight ? gradWeight.elementPointer(T.self) : nil
            // One scratch matrix [kdim, spatial]: the input-gradient patches, then the weight GEMM's columns.
            let scratch = UnsafeMutablePointer<T>.allocate(capacity: kdim * spatial)
            defer { scratch.deallocate() }
            let planes = c.height * c.width, taps = c.kernelH * c.kernelW
            for n in 0..<c.batch {
                for grp in 0..<c.groups {
                    let wg = wp + grp * coutG * kdim                       // [coutG, kdim]
                    let gOut = gp + (n * c.outChannels + grp * coutG) * spatial  // [coutG, spatial]
                    let imageOffset = (n * c.inChannels + grp * cinG) * planes
                    if let gi {
                        // patches = W_gᵀ · gOut, scattered back through col2im, channel planes in parallel.
                        GEMM.run(m: kdim, n: spatial, k: coutG, BLASMatrix(pointer: wg, transposed: true, leadingDimension: kdim),
                                 BLASMatrix(pointer: gOut, transposed: false, leadingDimension: spatial), scratch, ldc: spatial, beta: 0)
                        parallelChunks(cinG, grain: Swift.max(1, (1 << 15) / Swift.max(taps * spatial, 1))) { channels in
                            col2im(UnsafePointer(scratch + channels.lowerBound * taps * spatial),
                                   gi + imageOffset + channels.lowerBound * planes, channels: channels.count, back)
                        }
                    }
                    if let gw {
                        // gW_g (+)= gOut · colsᵀ, accumulated over the batch by the GEMM itself.
                        im2col(UnsafePointer(xp + imageOffset), scratch, channels: cinG, c)
                        GEMM.run(m: coutG, n: kdim, k: spatial, BLASMatrix(pointer: gOut, transposed: false, leadingDimension: spatial),
                                 BLASMatrix(pointer: scratch, transposed: true, leadingDimension: spatial),
                                 gw + grp * coutG * kdim, ldc: kdim, beta: n == 0 ? 0 : 1)
                    }
                }
            }
        }
        if compute == .float64 { run(Double.self) } else { run(Float.self) }
        let gradBias = hasBias ? try gy.transpose(0, 1).reshape([c.outChannels, -1]).sum(dims: [1]) : nil
        return (needsInput ? try (convolvedInput ?? gradInput).to(dtype: input.dtype) : nil,
                needsWeight ? try (c.batch == 0 ? Tensor.zeros(weight.sizes, dtype: compute) : gradWeight.reshape(weight.sizes)).to(dtype: weight.dtype) : nil,
                try gradBias?.to(dtype: weight.dtype))
    }

    /// ∂L/∂x of a stride-1, dilation-1, ungrouped convolution with symmetric padding p ≤ k-1:
    /// `conv2d(g, W.transpose(0, 1).flip(2, 3), padding: k-1-p)`.
    static func inputGradientByConvolution(_ g: Tensor, weight: Tensor, geometry c: Conv2dGeometry, compute: DType) throws -> Tensor {
        let w = try weight.contiguous(as: compute)
        let flipped = Tensor.empty([c.inChannels, c.outChannels, c.kernelH, c.kernelW], dtype: compute)
        func transposeFlip<T: KernelFloat>(_: T.Type) {
            let src = w.elementPointer(T.self), dst = flipped.elementPointer(T.self)
            let taps = c.kernelH * c.kernelW
            for co in 0..<c.outChannels {
                for ci in 0..<c.inChannels {
                    let from = src + (co * c.inChannels + ci) * taps, to = dst + (ci * c.outChannels + co) * taps
                    for t in 0..<taps { to[taps - 1 - t] = from[t] }
                }
            }
        }
        if compute == .float64 { transposeFlip(Double.self) } else { transposeFlip(Float.self) }
        let padH = c.kernelH - 1 - c.padTop, padW = c.kernelW - 1 - c.padLeft
        let geometry = Conv2dGeometry(batch: c.batch, inChannels: c.outChannels, height: c.outH, width: c.outW,
                                      outChannels: c.inChannels, kernelH: c.kernelH, kernelW: c.kernelW, strideH: 1, strideW: 1,
                                      padTop: padH, padLeft: padW, padBottom: padH, padRight: padW, dilationH: 1, dilationW: 1,
                                      groups: 1)
        return try conv2dValues(try g.contiguous(as: compute), weight: flipped, bias: nil, geometry: geometry)
    }
}
