/// 2-D convolution as im2col + GEMM (torch.nn.functional.conv2d with zero padding), groups included.
struct Conv2dGeometry {
    let batch, inChannels, height, width: Int
    let outChannels, kernelH, kernelW: Int
    let strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, groups: Int

    var outH: Int { (height + padTop + padBottom - dilationH * (kernelH - 1) - 1) / strideH + 1 }
    var outW: Int { (width + padLeft + padRight - dilationW * (kernelW - 1) - 1) / strideW + 1 }
}

/// Fills `cols` ([C·kh·kw, outH·outW], row-major) from one image's channels `[c0, c0+channels)`.
func im2col<T: BinaryFloatingPoint>(_ image: UnsafePointer<T>, _ cols: UnsafeMutablePointer<T>, channels: Int,
                                    _ g: Conv2dGeometry) {
    let oh = g.outH, ow = g.outW
    var row = 0
    for c in 0..<channels {
        let plane = image + c * g.height * g.width
        for ky in 0..<g.kernelH {
            for kx in 0..<g.kernelW {
                let dst = cols + row * oh * ow
                for y in 0..<oh {
                    let iy = y * g.strideH - g.padTop + ky * g.dilationH
                    if iy < 0 || iy >= g.height {
                        for x in 0..<ow { dst[y * ow + x] = 0 }
                        continue
                    }
                    let src = plane + iy * g.width
                    for x in 0..<ow {
                        let ix = x * g.strideW - g.padLeft + kx * g.dilationW
                        dst[y * ow + x] = (ix >= 0 && ix < g.width) ? src[ix] : 0
                    }
                }
                row += 1
            }
        }
    }
}

extension Tensor {
    static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor?, geometry g: Conv2dGeometry) throws -> Tensor {
        let outType = TypePromotion.result(input.dtype, weight.dtype)
        let outShape = [g.batch, g.outChannels, g.outH, g.outW]
        guard g.outH > 0, g.outW > 0 else {
            throw TorchError.runtimeError("Calculated padded input size per channel: (\(g.height + g.padTop + g.padBottom) x \(g.width + g.padLeft + g.padRight)). Kernel size: (\(g.dilationH * (g.kernelH - 1) + 1) x \(g.dilationW * (g.kernelW - 1) + 1)). Kernel size can't be greater than actual input size")
        }
        if input.isMeta || weight.isMeta { return Tensor(storage: nil, shape: outShape, dtype: outType, device: .meta) }
        let compute = computeType(for: outType)
        let x = try input.contiguous(as: compute), w = try weight.contiguous(as: compute)
        let cinG = g.inChannels / g.groups, coutG = g.outChannels / g.groups
        let kdim = cinG * g.kernelH * g.kernelW, spatial = g.outH * g.outW
        let out = Tensor.empty(outShape, dtype: compute)
        let cols = Tensor.empty([kdim, spatial], dtype: compute)
        for n in 0..<g.batch {
            for grp in 0..<g.groups {
                let imageOffset = x.storageOffset + (n * g.inChannels + grp * cinG) * g.height * g.width
                if compute == .float64 {
                    im2col(x.storage!.pointer.assumingMemoryBound(to: Double.self) + imageOffset,
                           cols.storage!.pointer.assumingMemoryBound(to: Double.self), channels: cinG, g)
                } else {
                    im2col(x.storage!.pointer.assumingMemoryBound(to: Float.self) + imageOffset,
                           cols.storage!.pointer.assumingMemoryBound(to: Float.self), channels: cinG, g)
                }
                let wg = try w.narrow(0, start: grp * coutG, length: coutG).reshape([coutG, kdim])
                let y = try gemm(wg, cols, m: coutG, n: spatial, k: kdim, transposeB: false, outDType: compute)
                try out.select(0, n).narrow(0, start: grp * coutG, length: coutG).copy_(try y.view([coutG, g.outH, g.outW]))
            }
        }
        var result: Tensor = out
        if let bias { result = try result + (try bias.view([1, g.outChannels, 1, 1])) }
        return outType == compute ? result : try result.to(dtype: outType)
    }
}
