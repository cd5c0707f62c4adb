/// Small float32 convolutions computed directly: four filters at a time, eight output columns at a time
/// (`SIMD8<Float>` sums in registers) over zero-bordered copies of the input planes, so no column matrix is
/// written and no GEMM packs its operands. LeNet-5's convolutions (25 and 150 weights per filter, 576 and
/// 64 output pixels) spent a third of the forward in im2col and half in GEMM packing and kernels whose
/// fixed costs dwarf the arithmetic at these sizes.
enum DirectConvolution {
    /// Filters computed together: each input vector loaded feeds four sums.
    private static let filterBlock = 4

    /// Ungrouped, at most 256 weights per filter and 2^15 output values per image (a GEMM this small is
    /// mostly packing), whole blocks of eight columns mostly.
    static func applies(_ g: Conv2dGeometry) -> Bool {
        g.groups == 1 && g.inChannels * g.kernelH * g.kernelW <= 256 && g.outChannels * g.outH * g.outW <= 1 << 15
            && g.outW >= 6 && g.strideW <= 2
    }

    /// `out` = conv(`x`, `w`) + `bias` (per output channel; none: zeros).
    static func run(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                    _ out: UnsafeMutablePointer<Float>, _ g: Conv2dGeometry) {
        let (rows, columns) = DepthwisePlane.paddedSize(g)
        let planeSize = rows * columns
        let padded = UnsafeMutablePointer<Float>.allocate(capacity: g.batch * g.inChannels * planeSize)
        defer { padded.deallocate() }
        let source = UncheckedSendable(x), scratch = UncheckedSendable(padded), target = UncheckedSendable(out)
        parallelChunks(g.batch * g.inChannels, grain: Swift.max(1, 4096 / planeSize)) { planes in
            for p in planes {
                DepthwisePlane.pad(source.value + p * g.height * g.width, into: scratch.value + p * planeSize, g)
            }
        }
        let blocks = (g.outChannels + filterBlock - 1) / filterBlock
        let taps = g.kernelH * g.kernelW, kdim = g.inChannels * taps
        withUnsafeTemporaryAllocation(of: Int.self, capacity: kdim) { offsets in
            // Offset of weight k's input value from the block's first input value.
            for ic in 0..<g.inChannels {
                for t in 0..<taps {
                    let ky = t / g.kernelW, kx = t % g.kernelW
                    offsets[ic * taps + t] = ic * planeSize + ky * g.dilationH * columns + kx * g.dilationW
                }
            }
            let offsetTable = UncheckedSendable(offsets.baseAddress!), weights = UncheckedSendable(w)
            let biases = bias.map(UncheckedSendable.init)
            parallelChunks(g.batch * blocks, grain: 1) { jobs in
                for job in jobs {
                    let n = job / blocks, first = (job % blocks) * filterBlock
                    filterRows(n: n, first: first, count: Swift.min(filterBlock, g.outChannels - first), g,
                               planes: scratch.value + n * g.inChannels * planeSize, columns: columns,
                               weights: weights.value, offsets: offsetTable.value, kdim: kdim, bias: biases?.value,
                               out: target.value)
                }
            }
        }
    }

    /// Output channels `first..<first + count` (count ≤ 4) of image `n`.
    private static func filterRows(n: Int, first: Int, count: Int, _ g: Conv2dGeometry, planes: UnsafeMutablePointer<Float>,
                                   columns: Int, weights: UnsafePointer<Float>, offsets: UnsafePointer<Int>, kdim: Int,
                                   bias: UnsafePointer<Float>?, out: UnsafeMutablePointer<Float>) {
        let ow = g.outW, spatial = g.outH * ow, stride = g.strideW
        // Missing filters of a partial block repeat the last one; their sums are not stored.
        let f0 = weights + first * kdim
        let f1 = weights + (first + Swift.min(1, count - 1)) * kdim
        let f2 = weights + (first + Swift.min(2, count - 1)) * kdim
        let f3 = weights + (first + Swift.min(3, count - 1)) * kdim
        func initial(_ j: Int) -> SIMD8<Float> { SIMD8(repeating: j < count ? bias?[first + j] ?? 0 : 0) }
        let b0 = initial(0), b1 = initial(1), b2 = initial(2), b3 = initial(3)
        let outputs = out + (n * g.outChannels + first) * spatial
        for y in 0..<g.outH {
            let top = planes + y * g.strideH * columns
            var x = 0
            while x < ow {
                let base = top + x &* stride
                var s0 = b0, s1 = b1, s2 = b2, s3 = b3
                for k in 0..<kdim {
                    let v = DepthwisePlane.gather(base + offsets[k], stride: stride)
                    s0 += SIMD8(repeating: f0[k]) * v
                    s1 += SIMD8(repeating: f1[k]) * v
                    s2 += SIMD8(repeating: f2[k]) * v
                    s3 += SIMD8(repeating: f3[k]) * v
                }
                let lanes = Swift.min(8, ow &- x)
                let row = outputs + y * ow + x
                store(s0, row, lanes)
                if count > 1 { store(s1, row + spatial, lanes) }
                if count > 2 { store(s2, row + 2 * spatial, lanes) }
                if count > 3 { store(s3, row + 3 * spatial, lanes) }
                x &+= 8
            }
        }
    }

    @inline(__always) private static func store(_ sum: SIMD8<Float>, _ destination: UnsafeMutablePointer<Float>, _ lanes: Int) {
        if lanes == 8 {
            UnsafeMutableRawPointer(destination).storeBytes(of: sum, as: SIMD8<Float>.self)
        } else {
            for i in 0..<lanes { destination[i] = sum[i] }
        }
    }
}
