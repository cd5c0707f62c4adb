/// The float32 depthwise convolution of one output plane. The input plane is first copied into a
/// zero-bordered scratch plane, so every output block of eight columns is one `SIMD8<Float>` sum of
/// `kernelH·kernelW` taps with no bounds to check, kept in a register and stored once (generic `SIMD8<T>`
/// compiles to scalar lanes, hence float32 only). Adding each tap across the whole plane instead passed
/// over the output `kernelH·kernelW` times and ran the borders and narrow planes (7 or 14 columns) in
/// scalar code: MobileNetV2's depthwise convolutions were a quarter of its forward.
enum DepthwisePlane {
    /// Floats of scratch `plane` needs for geometry `g`.
    static func scratchCount(_ g: Conv2dGeometry) -> Int {
        let padded = paddedSize(g)
        return padded.rows * padded.columns
    }

    /// Rows and columns of the zero-bordered plane: every row and column a tap of an output block reads,
    /// blocks of eight past the last output column included (their extra lanes are computed, not stored).
    /// (`DirectConvolution` pads its input planes the same way.)
    static func paddedSize(_ g: Conv2dGeometry) -> (rows: Int, columns: Int) {
        let blocks = (g.outW + 7) / 8
        let rows = (g.outH - 1) * g.strideH + (g.kernelH - 1) * g.dilationH + 1
        let columns = Swift.max(blocks * 8 * g.strideW, g.width + g.padLeft) + (g.kernelW - 1) * g.dilationW + 16
        return (rows, columns)
    }

    /// `dst` (outH × outW) = (or += with `accumulate`) the convolution of one input plane `src` (height ×
    /// width) with `weights` (kernelH × kernelW).
    static func plane(_ src: UnsafePointer<Float>, _ weights: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                      _ g: Conv2dGeometry, accumulate: Bool, scratch: UnsafeMutablePointer<Float>) {
        let columns = paddedSize(g).columns
        pad(src, into: scratch, g)
        let taps = g.kernelH * g.kernelW
        let oh = g.outH, ow = g.outW, stride = g.strideW
        withUnsafeTemporaryAllocation(of: Int.self, capacity: taps) { offsets in
            for t in 0..<taps {
                let ky = t / g.kernelW, kx = t % g.kernelW
                offsets[t] = ky * g.dilationH * columns + kx * g.dilationW
            }
            for y in 0..<oh {
                let top = scratch + y * g.strideH * columns
                let target = dst + y * ow
                var x = 0
                while x < ow {
                    let base = top + x &* stride
                    var sum: SIMD8<Float>
                    if taps == 9 {
                        // 3×3, the common case, unrolled: no loop or index arithmetic between the taps.
                        sum = SIMD8(repeating: weights[0]) * gather(base + offsets[0], stride: stride)
                        sum += SIMD8(repeating: weights[1]) * gather(base + offsets[1], stride: stride)
                        sum += SIMD8(repeating: weights[2]) * gather(base + offsets[2], stride: stride)
                        sum += SIMD8(repeating: weights[3]) * gather(base + offsets[3], stride: stride)
                        sum += SIMD8(repeating: weights[4]) * gather(base + offsets[4], stride: stride)
                        sum += SIMD8(repeating: weights[5]) * gather(base + offsets[5], stride: stride)
                        sum += SIMD8(repeating: weights[6]) * gather(base + offsets[6], stride: stride)
                        sum += SIMD8(repeating: weights[7]) * gather(base + offsets[7], stride: stride)
                        sum += SIMD8(repeating: weights[8]) * gather(base + offsets[8], stride: stride)
                    } else {
                        sum = SIMD8()
                        for t in 0..<taps { sum += SIMD8(repeating: weights[t]) * gather(base + offsets[t], stride: stride) }
                    }
                    let lanes = ow &- x
                    if lanes >= 8 {
                        store(accumulate ? load(target + x) + sum : sum, target + x)
                    } else {
                        for i in 0..<lanes { target[x + i] = accumulate ? target[x + i] + sum[i] : sum[i] }
                    }
                    x &+= 8
                }
            }
        }
    }

    /// Copies input plane `src` into `dst` (`paddedSize(g)`), zeros around it.
    static func pad(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, _ g: Conv2dGeometry) {
        let (rows, columns) = paddedSize(g)
        dst.update(repeating: 0, count: rows * columns)
        for r in 0..<rows {
            let iy = r - g.padTop
            if iy < 0 || iy >= g.height { continue }
            (dst + r * columns + g.padLeft).update(from: src + iy * g.width, count: Swift.min(g.width, columns - g.padLeft))
        }
    }

    /// p[0], p[stride], …, p[7·stride].
    @inline(__always) static func gather(_ p: UnsafeMutablePointer<Float>, stride: Int) -> SIMD8<Float> {
        switch stride {
        case 1: return load(p)
        case 2: return UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self).evenHalf
        default:
            var v = SIMD8<Float>()
            for i in 0..<8 { v[i] = p[i * stride] }
            return v
        }
    }

    @inline(__always) private static func load(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) private static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }
}
