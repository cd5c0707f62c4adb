/// The input and output transforms of Winograd F(2×2, 3×3) for one convolution's tile grid: tile `(ty, tx)`
/// reads padded input rows `2ty ..< 2ty + 4` and columns `2tx ..< 2tx + 4` and writes output rows
/// `2ty ..< 2ty + 2` and columns `2tx ..< 2tx + 2` (the halves past an odd edge are dropped). Eight
/// adjacent tiles are transformed at once with vector loads.
struct WinogradTiling {
    let g: Conv2dGeometry
    let tilesH: Int, tilesW: Int
    /// Columns of `V` and `M`: every tile of every image.
    let tiles: Int

    init(_ g: Conv2dGeometry) {
        self.g = g
        tilesH = Winograd.tileCount(g.outH)
        tilesW = Winograd.tileCount(g.outW)
        tiles = g.batch * tilesH * tilesW
    }

    /// `V = Bᵀ·d·B` with `Bᵀ = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]` for every tile of
    /// the (image, channel) `planes`. Each plane is first split into zero-padded even and odd columns, so
    /// tile column `tx` reads columns `tx` and `tx + 1` of both: contiguous in `tx`.
    func transformInput(_ x: UnsafePointer<Float>, _ v: UnsafeMutablePointer<Float>, channels: Int, planeStride: Int,
                        planes: Range<Int>) {
        let rows = 2 * tilesH + 2, width = tilesW + 1, rowStride = width + 8
        let even = UnsafeMutablePointer<Float>.allocate(capacity: rows * rowStride)
        let odd = UnsafeMutablePointer<Float>.allocate(capacity: rows * rowStride)
        let ragged = UnsafeMutablePointer<Float>.allocate(capacity: 16 * 8)
        defer {
            even.deallocate()
            odd.deallocate()
            ragged.deallocate()
        }
        even.initialize(repeating: 0, count: rows * rowStride)
        odd.initialize(repeating: 0, count: rows * rowStride)
        for plane in planes {
            split(x + plane * g.height * g.width, even, odd, rows: rows, width: width, rowStride: rowStride)
            let n = plane / channels, c = plane % channels
            for ty in 0..<tilesH {
                let e = even + 2 * ty * rowStride, o = odd + 2 * ty * rowStride
                let dst = v + c * tiles + n * tilesH * tilesW + ty * tilesW
                guard tilesW >= 8 else {
                    inputTile(e, o, rowStride, ragged, 8)
                    for position in 0..<16 {
                        for lane in 0..<tilesW { dst[position * planeStride + lane] = ragged[position * 8 + lane] }
                    }
                    continue
                }
                // A ragged last group overlaps the one before it, rewriting some tiles with the same values.
                for start in stride(from: 0, to: tilesW, by: 8) {
                    let tx = Swift.min(start, tilesW - 8)
                    inputTile(e + tx, o + tx, rowStride, dst + tx, planeStride)
                }
            }
        }
    }

    /// Even and odd input columns of padded rows `0..<rows` (input row `r - padTop`, column `c - padLeft`),
    /// zero outside the input.
    private func split(_ src: UnsafePointer<Float>, _ even: UnsafeMutablePointer<Float>, _ odd: UnsafeMutablePointer<Float>,
                                       rows: Int, width: Int, rowStride: Int) {
        // Columns i whose input columns 2i - padLeft and 2i + 1 - padLeft both lie inside the row.
        let low = Swift.min(width, (g.padLeft + 1) / 2)
        let high = Swift.max(low, Swift.min(width, g.width + g.padLeft >= 2 ? (g.width - 2 + g.padLeft) / 2 + 1 : 0))
        for r in 0..<rows {
            let iy = r - g.padTop, e = even + r * rowStride, o = odd + r * rowStride
            guard iy >= 0 && iy < g.height else {
                e.update(repeating: 0, count: width)
                o.update(repeating: 0, count: width)
                continue
            }
            let line = src + iy * g.width - g.padLeft
            for i in 0..<low { edge(line, e, o, i) }
            var i = low
            while i + 8 <= high {
                let pairs = UnsafeRawPointer(line + 2 * i).loadUnaligned(as: SIMD16<Float>.self)
                store(pairs.evenHalf, e + i, 8)
                store(pairs.oddHalf, o + i, 8)
                i += 8
            }
            while i < high {
                e[i] = line[2 * i]
                o[i] = line[2 * i + 1]
                i += 1
            }
            for i in high..<width { edge(line, e, o, i) }
        }
    }

    @inline(__always)
    private func edge(_ line: UnsafePointer<Float>, _ e: UnsafeMutablePointer<Float>, _ o: UnsafeMutablePointer<Float>, _ i: Int) {
        let column = 2 * i - g.padLeft
        e[i] = column >= 0 && column < g.width ? line[2 * i] : 0
        o[i] = column + 1 >= 0 && column + 1 < g.width ? line[2 * i + 1] : 0
    }

    /// Eight tiles whose top-left corners are `e[0]`/`o[0]`; position `p` goes to `dst + p·planeStride`.
    @inline(__always)
    private func inputTile(_ e: UnsafePointer<Float>, _ o: UnsafePointer<Float>, _ rowStride: Int,
                                           _ dst: UnsafeMutablePointer<Float>, _ planeStride: Int) {
        // Bᵀ along each row: [d0 - d2, d1 + d2, d2 - d1, d1 - d3].
        @inline(__always) func row(_ r: Int) -> (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>) {
            let d0 = load8(e + r * rowStride), d1 = load8(o + r * rowStride)
            let d2 = load8(e + r * rowStride + 1), d3 = load8(o + r * rowStride + 1)
            return (d0 - d2, d1 + d2, d2 - d1, d1 - d3)
        }
        let r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3)
        @inline(__always) func put(_ position: Int, _ value: SIMD8<Float>) { store(value, dst + position * planeStride, 8) }
        // The same down the columns.
        put(0, r0.0 - r2.0); put(1, r0.1 - r2.1); put(2, r0.2 - r2.2); put(3, r0.3 - r2.3)
        put(4, r1.0 + r2.0); put(5, r1.1 + r2.1); put(6, r1.2 + r2.2); put(7, r1.3 + r2.3)
        put(8, r2.0 - r1.0); put(9, r2.1 - r1.1); put(10, r2.2 - r1.2); put(11, r2.3 - r1.3)
        put(12, r1.0 - r3.0); put(13, r1.1 - r3.1); put(14, r1.2 - r3.2); put(15, r1.3 - r3.3)
    }

    /// `Y = Aᵀ·m·A` with `Aᵀ = [[1, 1, 1, 0], [0, 1, -1, -1]]` for every tile of the (image, output channel)
    /// `planes`, written into (or, with `accumulate`, added to) the output.
    func transformOutput(_ m: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, channels: Int, planeStride: Int,
                         planes: Range<Int>, accumulate: Bool) {
        let oh = g.outH, ow = g.outW, pairStride = 2 * tilesW + 16
        // Two output rows of one tile row, interleaved from the tiles' columns.
        let pair = UnsafeMutablePointer<Float>.allocate(capacity: 2 * pairStride)
        defer { pair.deallocate() }
        for plane in planes {
            let n = plane / channels, c = plane % channels
            let dst = out + plane * oh * ow
            for ty in 0..<tilesH {
                let src = m + c * tiles + n * tilesH * tilesW + ty * tilesW
                for tx in stride(from: 0, to: tilesW, by: 8) {
                    outputTile(src + tx, planeStride, pair + 2 * tx, pair + pairStride + 2 * tx)
                }
                for i in 0..<Swift.min(2, oh - 2 * ty) {
                    let line = dst + (2 * ty + i) * ow, values = pair + i * pairStride
                    if accumulate {
                        for xo in 0..<ow { line[xo] += values[xo] }
                    } else {
                        line.update(from: values, count: ow)
                    }
                }
            }
        }
    }

    /// Eight tiles' products at `src + p·planeStride`; their output rows go interleaved to `top` and `bottom`.
    @inline(__always)
    private func outputTile(_ src: UnsafePointer<Float>, _ planeStride: Int,
                                            _ top: UnsafeMutablePointer<Float>, _ bottom: UnsafeMutablePointer<Float>) {
        // Aᵀ along each row: [m0 + m1 + m2, m1 - m2 - m3].
        @inline(__always) func row(_ r: Int) -> (SIMD8<Float>, SIMD8<Float>) {
            let a = load8(src + 4 * r * planeStride), b = load8(src + (4 * r + 1) * planeStride)
            let c = load8(src + (4 * r + 2) * planeStride), d = load8(src + (4 * r + 3) * planeStride)
            return (a + b + c, b - c - d)
        }
        let r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3)
        interleave(r0.0 + r1.0 + r2.0, r0.1 + r1.1 + r2.1, top)
        interleave(r1.0 - r2.0 - r3.0, r1.1 - r2.1 - r3.1, bottom)
    }

    @inline(__always)
    private func interleave(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        for lane in 0..<8 {
            p[2 * lane] = a[lane]
            p[2 * lane + 1] = b[lane]
        }
    }
}
