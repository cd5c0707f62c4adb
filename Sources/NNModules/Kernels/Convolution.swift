/// 2-D convolution (torch.nn.functional.conv2d with zero padding, groups included): 1×1 stride-1
/// convolutions are one GEMM on the input itself, depthwise-style ones (one input channel per group) a
/// direct loop, large float32 3×3 stride-1 ones Winograd F(2×2, 3×3), everything else im2col + GEMM. The bias is written into the output first and GEMM adds
/// onto it; im2col and the direct loops split channels across the compute threads.
struct Conv2dGeometry {
    let batch, inChannels, height, width: Int
    let outChannels, kernelH, kernelW: Int
    let strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, groups: Int

    var outH: Int { (height + padTop + padBottom - dilationH * (kernelH - 1) - 1) / strideH + 1 }
    var outW: Int { (width + padLeft + padRight - dilationW * (kernelW - 1) - 1) / strideW + 1 }

    /// The output columns `x` whose input column `x·stride - pad + offset` lies inside `0..<size`.
    func validRange(offset: Int, size: Int, stride: Int, count: Int) -> Range<Int> {
        // x·stride ≥ -offset and x·stride ≤ size - 1 - offset.
        let low = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let highLimit = size - 1 - offset
        let high = highLimit < 0 ? 0 : Swift.min(count, highLimit / stride + 1)
        return Swift.min(low, high)..<high
    }
}

/// Fills `cols` ([channels·kh·kw, outH·outW], row-major) from `channels` planes starting at `image`.
func im2col<T: KernelFloat>(_ image: UnsafePointer<T>, _ cols: UnsafeMutablePointer<T>, channels: Int, _ g: Conv2dGeometry) {
    let oh = g.outH, ow = g.outW
    var row = 0
    for c in 0..<channels {
        let plane = image + c * g.height * g.width
        for ky in 0..<g.kernelH {
            for kx in 0..<g.kernelW {
                let dst = cols + row * oh * ow
                let columnOffset = kx * g.dilationW - g.padLeft
                let valid = g.validRange(offset: columnOffset, size: g.width, stride: g.strideW, count: ow)
                for y in 0..<oh {
                    let line = dst + y * ow
                    let iy = y * g.strideH - g.padTop + ky * g.dilationH
                    if iy < 0 || iy >= g.height {
                        line.update(repeating: 0, count: ow)
                        continue
                    }
                    let src = plane + iy * g.width + columnOffset
                    line.update(repeating: 0, count: valid.lowerBound)
                    if g.strideW == 1 {
                        for x in valid { line[x] = src[x] }
                    } else {
                        for x in valid { line[x] = src[x * g.strideW] }
                    }
                    (line + valid.upperBound).update(repeating: 0, count: ow - valid.upperBound)
                }
                row += 1
            }
        }
    }
}

extension Tensor {
    static func conv2dValues(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: Conv2dGeometry) throws -> Tensor {
        let outType = TypePromotion.result(input.dtype, weight.dtype)
        let outShape = [g.batch, g.outChannels, g.outH, g.outW]
        guard g.outH > 0, g.outW > 0 else {
            throw TorchError.runtimeError("Calculated padded input size per channel: (\(g.height + g.padTop + g.padBottom) x \(g.width + g.padLeft + g.padRight)). Kernel size: (\(g.dilationH * (g.kernelH - 1) + 1) x \(g.dilationW * (g.kernelW - 1) + 1)). Kernel size can't be greater than actual input size")
        }
        if input.isMeta || weight.isMeta { return Tensor(storage: nil, shape: outShape, dtype: outType, device: .meta) }
        let compute = ComputeType.of(outType)
        let x = try input.contiguous(as: compute), w = try weight.contiguous(as: compute)
        let out = Tensor.empty(outShape, dtype: compute)
        if let bias { try copyElements(from: try bias.view([1, g.outChannels, 1, 1]), to: out) }
        if compute == .float64 {
            convolve(Double.self, x, w, out, g, accumulate: bias != nil)
        } else if Winograd.applies(g) {
            Winograd.convolve(x.elementPointer(Float.self), w.elementPointer(Float.self), out.elementPointer(Float.self), g,
                              accumulate: bias != nil)
        } else {
            convolve(Float.self, x, w, out, g, accumulate: bias != nil)
        }
        return try out.to(dtype: outType)
    }

    private static func convolve<T: KernelFloat>(_ type: T.Type, _ input: Tensor, _ weight: Tensor, _ output: Tensor,
                                                 _ g: Conv2dGeometry, accumulate: Bool) {
        let cinG = g.inChannels / g.groups, coutG = g.outChannels / g.groups
        let kdim = cinG * g.kernelH * g.kernelW, spatial = g.outH * g.outW, plane = g.height * g.width
        let x = input.elementPointer(T.self), w = weight.elementPointer(T.self), out = output.elementPointer(T.self)
        if cinG == 1 && g.groups > 1 {
            depthwise(x, w, out, g, accumulate: accumulate)
            return
        }
        let pointwise = g.kernelH == 1 && g.kernelW == 1 && g.strideH == 1 && g.strideW == 1
            && g.padTop == 0 && g.padLeft == 0 && g.padBottom == 0 && g.padRight == 0
        let cols = pointwise ? nil : UnsafeMutablePointer<T>.allocate(capacity: kdim * spatial)
        defer { cols?.deallocate() }
        for n in 0..<g.batch {
            for grp in 0..<g.groups {
                let image = x + (n * g.inChannels + grp * cinG) * plane
                var source = image
                if let cols {
                    let perChannel = g.kernelH * g.kernelW * spatial
                    parallelChunks(cinG, grain: Swift.max(1, (1 << 15) / Swift.max(perChannel, 1))) { channels in
                        im2col(image + channels.lowerBound * plane, cols + channels.lowerBound * perChannel,
                               channels: channels.count, g)
                    }
                    source = cols
                }
                GEMM.run(m: coutG, n: spatial, k: kdim,
                         BLASMatrix(pointer: w + grp * coutG * kdim, transposed: false, leadingDimension: kdim),
                         BLASMatrix(pointer: source, transposed: false, leadingDimension: spatial),
                         out + (n * g.outChannels + grp * coutG) * spatial, ldc: spatial, beta: accumulate ? 1 : 0)
            }
        }
    }

    /// Convolution where every group has one input channel (depthwise, possibly with a channel multiplier).
    private static func depthwise<T: KernelFloat>(_ x: UnsafeMutablePointer<T>, _ w: UnsafeMutablePointer<T>,
                                                  _ out: UnsafeMutablePointer<T>, _ g: Conv2dGeometry, accumulate: Bool) {
        let multiplier = g.outChannels / g.groups
        let oh = g.outH, ow = g.outW, taps = g.kernelH * g.kernelW
        parallelChunks(g.batch * g.outChannels, grain: Swift.max(1, (1 << 14) / Swift.max(oh * ow * taps, 1))) { range in
            for slot in range {
                let n = slot / g.outChannels, oc = slot % g.outChannels
                let src = x + (n * g.inChannels + oc / multiplier) * g.height * g.width
                let dst = out + slot * oh * ow
                if !accumulate { dst.update(repeating: 0, count: oh * ow) }
                for ky in 0..<g.kernelH {
                    for kx in 0..<g.kernelW {
                        let weight = w[oc * taps + ky * g.kernelW + kx]
                        let columnOffset = kx * g.dilationW - g.padLeft
                        let valid = g.validRange(offset: columnOffset, size: g.width, stride: g.strideW, count: ow)
                        for y in 0..<oh {
                            let iy = y * g.strideH - g.padTop + ky * g.dilationH
                            if iy < 0 || iy >= g.height { continue }
                            let line = src + iy * g.width + columnOffset, target = dst + y * ow
                            if g.strideW == 1 {
                                for xo in valid { target[xo] += weight * line[xo] }
                            } else {
                                for xo in valid { target[xo] += weight * line[xo * g.strideW] }
                            }
                        }
                    }
                }
            }
        }
    }
}
