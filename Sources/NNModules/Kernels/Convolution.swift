/// 2-D convolution (torch.nn.functional.conv2d with zero padding, groups included): 1×1 stride-1
/// convolutions are one GEMM on the input itself, depthwise-style ones (one input channel per group) a
/// direct loop, large float32 3×3 stride-1 ones Winograd F(2×2, 3×3), everything else im2col + GEMM
/// (tile by tile for a large column matrix and few filters). The bias is written into the output first
/// and GEMM adds onto it; im2col and the direct loops split channels across the compute threads.
struct Conv2dGeometry {
    let batch, inChannels, height, width: Int
    let outChannels, kernelH, kernelW: Int
    let strideH, strideW, padTop, padLeft, padBottom, padRight, dilationH, dilationW, groups: Int

    var outH: Int { (height + padTop + padBottom - dilationH * (kernelH - 1) - 1) / strideH + 1 }
    var outW: Int { (width + padLeft + padRight - dilationW * (kernelW - 1) - 1) / strideW + 1 }

    /// 1×1, stride 1, no padding: the input planes are already the GEMM's right-hand matrix.
    var isPointwise: Bool {
        kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0 && padBottom == 0
            && padRight == 0
    }

    /// Whether im2col goes tile by tile (`convolveTiles`): a large column matrix for a small filter bank.
    var im2colByTiles: Bool {
        let kdim = inChannels / groups * kernelH * kernelW
        return !isPointwise && kdim * outH * outW > (1 << 19) && outChannels / groups * kdim <= (1 << 16)
    }

    /// The output columns `x` whose input column `x·stride - pad + offset` lies inside `0..<size`.
    func validRange(offset: Int, size: Int, stride: Int, count: Int) -> Range<Int> {
        // x·stride ≥ -offset and x·stride ≤ size - 1 - offset.
        let low = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let highLimit = size - 1 - offset
        let high = highLimit < 0 ? 0 : Swift.min(count, highLimit / stride + 1)
        return Swift.min(low, high)..<high
    }
}

/// Fills `cols` ([channels·kh·kw, columns.count], row-major) with the output pixels `columns` (index
/// `y·outW + x`, all of them by default) of `channels` planes starting at `image`. With a column stride
/// `s` > 1 the input rows a tile reads are first split by column modulo `s` (input column `x·s + offset`
/// is then entry `x + offset div s` of phase `offset mod s`), so every row of `cols` is a contiguous copy.
func im2col<T: KernelFloat>(_ image: UnsafePointer<T>, _ cols: UnsafeMutablePointer<T>, channels: Int, _ g: Conv2dGeometry,
                            columns pixels: Range<Int>? = nil) {
    let ow = g.outW, columns = pixels ?? 0..<g.outH * ow, width = columns.count
    guard width > 0 else { return }
    let firstRow = columns.lowerBound / ow, lastRow = (columns.upperBound - 1) / ow
    let stride = g.strideW, phaseWidth = (g.width + stride - 1) / stride
    // The input rows this tile reads.
    let top = Swift.max(0, firstRow * g.strideH - g.padTop)
    let bottom = Swift.min(g.height, lastRow * g.strideH - g.padTop + (g.kernelH - 1) * g.dilationH + 1)
    let phases = stride > 1 && bottom > top ? UnsafeMutablePointer<T>.allocate(capacity: stride * (bottom - top) * phaseWidth) : nil
    defer { phases?.deallocate() }
    var row = 0
    for c in 0..<channels {
        let plane = image + c * g.height * g.width
        if let phases {
            for iy in top..<bottom {
                let line = plane + iy * g.width
                for p in 0..<stride {
                    let dst = phases + (p * (bottom - top) + iy - top) * phaseWidth
                    for j in 0..<(g.width - p + stride - 1) / stride { dst[j] = line[j * stride + p] }
                }
            }
        }
        for ky in 0..<g.kernelH {
            for kx in 0..<g.kernelW {
                let columnOffset = kx * g.dilationW - g.padLeft
                let valid = g.validRange(offset: columnOffset, size: g.width, stride: stride, count: ow)
                let phase = (columnOffset % stride + stride) % stride, shift = (columnOffset - phase) / stride
                for y in firstRow...lastRow {
                    // `line[x]` is output pixel (y, x); this tile holds its columns `low..<high`.
                    let line = cols + row * width + y * ow - columns.lowerBound
                    let low = y == firstRow ? columns.lowerBound - y * ow : 0
                    let high = y == lastRow ? columns.upperBound - y * ow : ow
                    let iy = y * g.strideH - g.padTop + ky * g.dilationH
                    if iy < 0 || iy >= g.height {
                        (line + low).update(repeating: 0, count: high - low)
                        continue
                    }
                    // `src[x]` is input column x·stride + columnOffset of row iy.
                    let src = phases.map { UnsafePointer($0) + (phase * (bottom - top) + iy - top) * phaseWidth + shift }
                        ?? plane + iy * g.width + columnOffset
                    let start = Swift.min(Swift.max(low, valid.lowerBound), high)
                    let end = Swift.max(start, Swift.min(high, valid.upperBound))
                    (line + low).update(repeating: 0, count: start - low)
                    for x in start..<end { line[x] = src[x] }
                    (line + end).update(repeating: 0, count: high - end)
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
        if compute == .float32 && DirectConvolution.applies(g) {
            let b = try bias?.contiguous(as: .float32)
            DirectConvolution.run(x.elementPointer(Float.self), w.elementPointer(Float.self), bias: b?.elementPointer(Float.self),
                                  out.elementPointer(Float.self), g)
            return try out.to(dtype: outType)
        }
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
        let tiled = g.im2colByTiles
        let cols = g.isPointwise || tiled ? nil : UnsafeMutablePointer<T>.allocate(capacity: kdim * spatial)
        defer { cols?.deallocate() }
        for n in 0..<g.batch {
            for grp in 0..<g.groups {
                let image = x + (n * g.inChannels + grp * cinG) * plane
                var source = image
                let filters = w + grp * coutG * kdim, target = out + (n * g.outChannels + grp * coutG) * spatial
                if tiled {
                    convolveTiles(image, filters, target, channels: cinG, filters: coutG, g, accumulate: accumulate)
                    continue
                }
                if let cols {
                    let perChannel = g.kernelH * g.kernelW * spatial
                    parallelChunks(cinG, grain: Swift.max(1, (1 << 15) / Swift.max(perChannel, 1))) { channels in
                        im2col(image + channels.lowerBound * plane, cols + channels.lowerBound * perChannel,
                               channels: channels.count, g)
                    }
                    source = cols
                }
                GEMM.run(m: coutG, n: spatial, k: kdim,
                         BLASMatrix(pointer: filters, transposed: false, leadingDimension: kdim),
                         BLASMatrix(pointer: source, transposed: false, leadingDimension: spatial),
                         target, ldc: spatial, beta: accumulate ? 1 : 0)
            }
        }
    }

    /// One image and group whose column matrix would be large but whose filters are small (a network's
    /// stem: 147 × 12544 columns for 64 filters): each thread im2cols a tile of output pixels small enough
    /// to stay in its L2 cache and multiplies it right away, instead of writing the whole matrix first.
    private static func convolveTiles<T: KernelFloat>(_ image: UnsafePointer<T>, _ filters: UnsafeMutablePointer<T>,
                                                      _ out: UnsafeMutablePointer<T>, channels: Int, filters count: Int,
                                                      _ g: Conv2dGeometry, accumulate: Bool) {
        let kdim = channels * g.kernelH * g.kernelW, spatial = g.outH * g.outW
        let width = Swift.max(16, (1 << 16) / kdim / 16 * 16)
        parallelChunks((spatial + width - 1) / width, grain: 1) { tiles in
            let cols = UnsafeMutablePointer<T>.allocate(capacity: kdim * width)
            defer { cols.deallocate() }
            for tile in tiles {
                let columns = tile * width..<Swift.min(spatial, (tile + 1) * width)
                im2col(image, cols, channels: channels, g, columns: columns)
                T.gemm(m: count, n: columns.count, k: kdim, BLASMatrix(pointer: filters, transposed: false, leadingDimension: kdim),
                       BLASMatrix(pointer: cols, transposed: false, leadingDimension: columns.count),
                       out + columns.lowerBound, ldc: spatial, beta: accumulate ? 1 : 0)
            }
        }
    }

    /// Convolution where every group has one input channel (depthwise, possibly with a channel multiplier).
    private static func depthwise<T: KernelFloat>(_ x: UnsafeMutablePointer<T>, _ w: UnsafeMutablePointer<T>,
                                                  _ out: UnsafeMutablePointer<T>, _ g: Conv2dGeometry, accumulate: Bool) {
        let multiplier = g.outChannels / g.groups
        let oh = g.outH, ow = g.outW, taps = g.kernelH * g.kernelW
        parallelChunks(g.batch * g.outChannels, grain: Swift.max(1, (1 << 14) / Swift.max(oh * ow * taps, 1))) { range in
            if T.self == Float.self {
                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: DepthwisePlane.scratchCount(g))
                defer { scratch.deallocate() }
                let xf = UnsafeMutableRawPointer(x).assumingMemoryBound(to: Float.self)
                let wf = UnsafeMutableRawPointer(w).assumingMemoryBound(to: Float.self)
                let outf = UnsafeMutableRawPointer(out).assumingMemoryBound(to: Float.self)
                for slot in range {
                    let n = slot / g.outChannels, oc = slot % g.outChannels
                    DepthwisePlane.plane(xf + (n * g.inChannels + oc / multiplier) * g.height * g.width, wf + oc * taps,
                                         outf + slot * oh * ow, g, accumulate: accumulate, scratch: scratch)
                }
                return
            }
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
