/// float32 3×3 stride-1 convolutions by Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, "Fast
/// Algorithms for Convolutional Neural Networks", 2016): every 2×2 output tile comes from a 4×4 input tile,
/// so the channel reduction becomes 16 GEMMs over all tiles with 16/36 of the direct multiply-adds. The
/// transforms only add, subtract and halve, so results stay within a few ulp of the direct sum (the float32
/// goldens keep their 1e-4 tolerance by a wide margin). Weights are transformed on every call, so nothing
/// derived from a parameter outlives the call.
///
/// Layouts: transformed weights `U[16][cout][cin]`, transformed inputs `V[16][cin][tiles]` and products
/// `M[16][cout][tiles]`, with `tiles` running over batch, tile row and tile column; position `4a + b` is
/// row `a`, column `b` of a 4×4 transformed tile. The 16 planes of each sit `planeStride` apart, a little
/// more than their size: power-of-two plane sizes would put all 16 vector streams in one cache set.
///
/// The vector code is written for `SIMD8<Float>`: generic `SIMD8<T>` arithmetic compiles to scalar lanes.
enum Winograd {
    /// Whether this path computes `g` (float32 only): 3×3, stride 1, no dilation, one group, with enough
    /// channels and tiles for the 16 GEMMs to outweigh the transforms (ResNet's 7×7 last stage at batch 1
    /// does not gain).
    static func applies(_ g: Conv2dGeometry) -> Bool {
        g.kernelH == 3 && g.kernelW == 3 && g.strideH == 1 && g.strideW == 1 && g.dilationH == 1 && g.dilationW == 1
            && g.groups == 1 && g.inChannels >= 16 && g.outChannels >= 16
            && g.batch * tileCount(g.outH) * tileCount(g.outW) >= 32
    }

    static func tileCount(_ size: Int) -> Int { (size + 1) / 2 }

    /// The distance between the 16 planes of a transformed array whose planes hold `count` values.
    static func planeStride(_ count: Int) -> Int { (count + 15) / 16 * 16 + 16 }

    /// `out (+)= conv(x, w)` for contiguous `[N, Cin, H, W]` input and `[Cout, Cin, 3, 3]` weights.
    static func convolve(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
                         _ g: Conv2dGeometry, accumulate: Bool) {
        let tiling = WinogradTiling(g)
        let cin = g.inChannels, cout = g.outChannels, tiles = tiling.tiles
        let uStride = planeStride(cout * cin), vStride = planeStride(cin * tiles), mStride = planeStride(cout * tiles)
        let u = UnsafeMutablePointer<Float>.allocate(capacity: 16 * uStride)
        let v = UnsafeMutablePointer<Float>.allocate(capacity: 16 * vStride)
        let m = UnsafeMutablePointer<Float>.allocate(capacity: 16 * mStride)
        defer {
            u.deallocate()
            v.deallocate()
            m.deallocate()
        }
        // The output transform reads whole vectors past a plane's ragged end.
        for xi in 0..<16 { (m + xi * mStride + cout * tiles).initialize(repeating: 0, count: mStride - cout * tiles) }
        parallelChunks(cout, grain: Swift.max(1, 2048 / cin)) { outputs in
            transformWeights(w, u, cout: cout, cin: cin, planeStride: uStride, outputs: outputs)
        }
        let planeGrain = Swift.max(1, (1 << 14) / Swift.max(g.height * g.width, 1))
        parallelChunks(g.batch * cin, grain: planeGrain) { planes in
            tiling.transformInput(x, v, channels: cin, planeStride: vStride, planes: planes)
        }
        parallelChunks(16, grain: 1) { positions in
            for xi in positions {
                Float.gemm(m: cout, n: tiles, k: cin,
                           BLASMatrix(pointer: u + xi * uStride, transposed: false, leadingDimension: cin),
                           BLASMatrix(pointer: v + xi * vStride, transposed: false, leadingDimension: tiles),
                           m + xi * mStride, ldc: tiles, beta: 0)
            }
        }
        parallelChunks(g.batch * cout, grain: planeGrain) { planes in
            tiling.transformOutput(m, out, channels: cout, planeStride: mStride, planes: planes, accumulate: accumulate)
        }
    }

    /// `U = G·g·Gᵀ` with `G = [[1, 0, 0], [½, ½, ½], [½, -½, ½], [0, 0, 1]]` for output channels `outputs`,
    /// eight input channels at a time (their taps gathered 9 apart).
    static func transformWeights(_ w: UnsafePointer<Float>, _ u: UnsafeMutablePointer<Float>, cout: Int, cin: Int,
                                 planeStride: Int, outputs: Range<Int>) {
        typealias V = SIMD8<Float>
        // G applied to (a, b, c): first down each column of g, then along each row of the 4×3 result.
        @inline(__always) func apply(_ a: V, _ b: V, _ c: V) -> (V, V, V, V) { (a, (a + b + c) * 0.5, (a - b + c) * 0.5, c) }
        for co in outputs {
            for ci in stride(from: 0, to: cin, by: 8) {
                let lanes = Swift.min(8, cin - ci), p = w + (co * cin + ci) * 9
                @inline(__always) func tap(_ k: Int) -> V {
                    if lanes == 8 { return V(p[k], p[9 + k], p[18 + k], p[27 + k], p[36 + k], p[45 + k], p[54 + k], p[63 + k]) }
                    var value = V()
                    for lane in 0..<lanes { value[lane] = p[9 * lane + k] }
                    return value
                }
                let c0 = apply(tap(0), tap(3), tap(6)), c1 = apply(tap(1), tap(4), tap(7)), c2 = apply(tap(2), tap(5), tap(8))
                let dst = u + co * cin + ci
                @inline(__always) func put(_ row: Int, _ a: V, _ b: V, _ c: V) {
                    let values = apply(a, b, c)
                    store(values.0, dst + (4 * row) * planeStride, lanes)
                    store(values.1, dst + (4 * row + 1) * planeStride, lanes)
                    store(values.2, dst + (4 * row + 2) * planeStride, lanes)
                    store(values.3, dst + (4 * row + 3) * planeStride, lanes)
                }
                put(0, c0.0, c1.0, c2.0)
                put(1, c0.1, c1.1, c2.1)
                put(2, c0.2, c1.2, c2.2)
                put(3, c0.3, c1.3, c2.3)
            }
        }
    }
}

@inline(__always)
func store(_ value: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ lanes: Int) {
    if lanes == 8 {
        UnsafeMutableRawPointer(p).storeBytes(of: value, as: SIMD8<Float>.self)
    } else {
        for i in 0..<lanes { p[i] = value[i] }
    }
}

@inline(__always)
func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}
