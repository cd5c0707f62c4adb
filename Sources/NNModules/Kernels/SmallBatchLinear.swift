/// A float32 linear layer for a few rows (`m ≤ maxRows`): each output is a `SIMD8<Float>` dot product of an
/// input row with a weight row, weights read straight from their `[out, in]` layout. BLAS packs a copy of
/// the weight matrix before multiplying, which for LeNet-5's classifier at batch 2 (256→120→84→10) cost
/// more than the multiplications: a quarter of the forward was `sgemm_incopy` and `sgemm_kernel`.
enum SmallBatchLinear {
    static let maxRows = 4

    /// `y[i, j] (+)= x[i, :] · w[j, :]` for i < m, j < n; `accumulate` adds onto `y` (the bias).
    static func run(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                    m: Int, n: Int, k: Int, accumulate: Bool) {
        let input = UncheckedSendable(x), weights = UncheckedSendable(w), output = UncheckedSendable(y)
        // Whole weight rows per thread; at least 2^15 multiply-adds each (waking a worker costs more).
        parallelChunks(n, grain: Swift.max(1, (1 << 15) / Swift.max(m * k, 1))) { columns in
            for j in columns {
                let row = weights.value + j * k
                for i in 0..<m {
                    let sum = dot(input.value + i * k, row, k)
                    let target = output.value + i * n + j
                    target.pointee = accumulate ? target.pointee + sum : sum
                }
            }
        }
    }

    @inline(__always) private static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ k: Int) -> Float {
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>()
        var p = 0
        while p &+ 16 <= k {
            s0 += load(a + p) * load(b + p)
            s1 += load(a + (p &+ 8)) * load(b + (p &+ 8))
            p &+= 16
        }
        if p &+ 8 <= k {
            s0 += load(a + p) * load(b + p)
            p &+= 8
        }
        var sum = (s0 + s1).sum()
        while p < k {
            sum += a[p] * b[p]
            p &+= 1
        }
        return sum
    }

    @inline(__always) private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
}
