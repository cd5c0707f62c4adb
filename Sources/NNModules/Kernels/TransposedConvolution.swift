/// 2-D transposed convolution (torch.nn.functional.conv_transpose2d) as GEMM + col2im: each input pixel's
/// channel vector times the weight gives a kernel-sized patch per output channel, scattered (added) into
/// the output at `input·stride − padding + k·dilation`. Groups, dilation and output_padding included.
struct ConvTranspose2dGeometry {
    let batch, inChannels, height, width: Int
    let outChannels, kernelH, kernelW: Int
    let strideH, strideW, padH, padW, outputPadH, outputPadW, dilationH, dilationW, groups: Int

    var outH: Int { (height - 1) * strideH - 2 * padH + dilationH * (kernelH - 1) + outputPadH + 1 }
    var outW: Int { (width - 1) * strideW - 2 * padW + dilationW * (kernelW - 1) + outputPadW + 1 }
}

/// Adds `cols` ([C·kh·kw, H·W], row-major) into `image` ([C, outH, outW]); the inverse of im2col.
func col2im<T: BinaryFloatingPoint>(_ cols: UnsafePointer<T>, _ image: UnsafeMutablePointer<T>, channels: Int,
                                    _ g: ConvTranspose2dGeometry) {
    let (oh, ow, spatial) = (g.outH, g.outW, g.height * g.width)
    var row = 0
    for c in 0..<channels {
        let plane = image + c * oh * ow
        for ky in 0..<g.kernelH {
            for kx in 0..<g.kernelW {
                let src = cols + row * spatial
                for y in 0..<g.height {
                    let oy = y * g.strideH - g.padH + ky * g.dilationH
                    if oy < 0 || oy >= oh { continue }
                    for x in 0..<g.width {
                        let ox = x * g.strideW - g.padW + kx * g.dilationW
                        if ox >= 0 && ox < ow { plane[oy * ow + ox] += src[y * g.width + x] }
                    }
                }
                row += 1
            }
        }
    }
}

extension Tensor {
    /// `weight` is [inChannels, outChannels/groups, kh, kw] like PyTorch's transposed weights.
    static func convTranspose2dValues(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvTranspose2dGeometry) throws -> Tensor {
        let outType = TypePromotion.result(input.dtype, weight.dtype)
        guard g.outH > 0, g.outW > 0 else {
            throw TorchError.runtimeError("Given input size per channel: (\(g.height) x \(g.width)). Calculated output size per channel: (\(g.outH) x \(g.outW)). Output size is too small")
        }
        let outShape = [g.batch, g.outChannels, g.outH, g.outW]
        if input.isMeta || weight.isMeta { return Tensor(storage: nil, shape: outShape, dtype: outType, device: .meta) }
        let compute = ComputeType.of(outType)
        let x = try input.contiguous(as: compute)
        let cinG = g.inChannels / g.groups, coutG = g.outChannels / g.groups
        let patch = coutG * g.kernelH * g.kernelW, spatial = g.height * g.width
        // Per group: Wᵀ as [coutG·kh·kw, cinG], made contiguous once for every image.
        let transposedWeights = try (0..<g.groups).map { grp in
            try weight.narrow(0, start: grp * cinG, length: cinG).reshape([cinG, patch]).t().contiguous(as: compute)
        }
        let out = Tensor.zeros(outShape, dtype: compute)
        guard let outBase = out.storage?.pointer else { return out }
        for n in 0..<g.batch {
            for grp in 0..<g.groups {
                let image = try x.select(0, n).narrow(0, start: grp * cinG, length: cinG).reshape([cinG, spatial])
                let cols = try transposedWeights[grp].matmul(image).contiguous(as: compute)
                guard let colBase = cols.storage?.pointer else { continue }
                let target = (n * g.outChannels + grp * coutG) * g.outH * g.outW
                if compute == .float64 {
                    col2im(UnsafePointer(colBase.assumingMemoryBound(to: Double.self)) + cols.storageOffset,
                           outBase.assumingMemoryBound(to: Double.self) + target, channels: coutG, g)
                } else {
                    col2im(UnsafePointer(colBase.assumingMemoryBound(to: Float.self)) + cols.storageOffset,
                           outBase.assumingMemoryBound(to: Float.self) + target, channels: coutG, g)
                }
            }
        }
        var result: Tensor = out
        if let bias { result = try result + (try bias.view([1, g.outChannels, 1, 1])) }
        return outType == compute ? result : try result.to(dtype: outType)
    }
}
