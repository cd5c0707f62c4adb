import Foundation

/// Uniform and normal fills of large float32 tensors: SplitMix64 words turned into uniforms or Box–Muller
/// normals with polynomial log/sin/cos and a Newton square root, branch-free so the optimizer vectorizes the
/// loops, split across `ComputeThreads` by ranges of elements. Building a zoo model with random weights
/// spends nearly all its time here (GPT-2: 124 M draws, some tensors drawn twice as transformers does), which
/// the serial Mersenne Twister path made take seconds.
///
/// Elements `2p` and `2p + 1` come from word `p` of the stream: uniforms from its bits 40–63 and 16–39 (24
/// bits each, like `at::uniform_real_distribution<float>`); normals take those as Box–Muller's `u1 ∈ (0, 1]`
/// and a uniform angle, radius `sqrt(-2 ln u1)`, giving `r cos` to `2p` and `r sin` to `2p + 1`.
enum RandomFill {
    /// Tensors with fewer elements draw PyTorch's exact sequence from the Mersenne Twister, so seeded small
    /// models (seed_mlp, LeNet-5, a test's inputs) hold the values PyTorch gives after `torch.manual_seed`;
    /// 2^16 elements serially take about a millisecond.
    static let torchSequenceLimit = 1 << 16

    /// Elements per thread at the least: below this, waking a worker costs more than it saves.
    static let grain = 1 << 15

    enum Distribution {
        case uniform(from: Float, to: Float)
        case normal(mean: Float, std: Float)
    }

    /// The stream seed for filling `tensor`, drawn from the default generator (so `manualSeed` still makes the
    /// fills repeat and successive tensors differ); nil when the tensor takes PyTorch's exact path: fewer
    /// than `torchSequenceLimit` elements, not contiguous float32, or inside `DefaultGenerator.withTorchSequence`.
    static func streamSeed(for tensor: Tensor) -> UInt64? {
        guard tensor.count >= torchSequenceLimit, tensor.dtype == .float32, tensor.isContiguous,
              !DefaultGenerator.torchSequence else { return nil }
        return DefaultGenerator.withGenerator { $0.next64() }
    }

    /// Fills `count` float32 values at `destination` from the stream of `seed`.
    static func fill(_ destination: UnsafeMutablePointer<Float>, count: Int, seed: UInt64, _ distribution: Distribution) {
        let stream = SplitMix64(seed: seed)
        let output = UncheckedSendable(destination)
        parallelChunks((count + 1) / 2, grain: grain / 2) { pairs in
            switch distribution {
            case .uniform(let from, let to):
                fillUniform(output.value, count, pairs, stream, from: from, to: to)
            case .normal(let mean, let std):
                fillNormal(output.value, count, pairs, stream, mean: mean, std: std)
            }
        }
    }

    private static let unit: Float = 1 / Float(1 << 24)

    // Index arithmetic below wraps (`&*`, `truncatingIfNeeded`): an overflow check is an exit from the loop,
    // which keeps the optimizer from vectorizing it (4–5× slower). Indices stay below `count`, so nothing wraps.
    // Not inlined, so both the caller's inline chunk and the pool's workers run this one vectorized loop.
    @inline(never)
    private static func fillUniform(_ out: UnsafeMutablePointer<Float>, _ count: Int, _ pairs: Range<Int>,
                                    _ stream: SplitMix64, from: Float, to: Float) {
        let scale = (to - from) * unit
        let whole = pairs.lowerBound..<min(pairs.upperBound, count / 2)
        for p in whole {
            let w = stream.word(UInt64(truncatingIfNeeded: p))
            out[2 &* p] = Float(w >> 40) * scale + from
            out[2 &* p &+ 1] = Float((w >> 16) & 0xFF_FFFF) * scale + from
        }
        if whole.upperBound < pairs.upperBound {
            out[count - 1] = Float(stream.word(UInt64(count / 2)) >> 40) * scale + from
        }
    }

    @inline(never)
    private static func fillNormal(_ out: UnsafeMutablePointer<Float>, _ count: Int, _ pairs: Range<Int>,
                                   _ stream: SplitMix64, mean: Float, std: Float) {
        let whole = pairs.lowerBound..<min(pairs.upperBound, count / 2)
        for p in whole {
            let (a, b) = boxMuller(stream.word(UInt64(truncatingIfNeeded: p)))
            out[2 &* p] = a * std + mean
            out[2 &* p &+ 1] = b * std + mean
        }
        if whole.upperBound < pairs.upperBound {
            out[count - 1] = boxMuller(stream.word(UInt64(count / 2))).0 * std + mean
        }
    }

    /// Two standard normals from one word: `u1 = (bits 40–63 + 1) / 2^24` keeps the logarithm finite, and
    /// bits 16–39 pick the angle. Branch-free: data-dependent branches mispredict half the time on random
    /// bits, which cost more than the arithmetic.
    @inline(__always)
    static func boxMuller(_ w: UInt64) -> (Float, Float) {
        let u1 = (Float(w >> 40) + 1) * unit
        let radius = squareRoot(-2 * logarithm(u1))
        let (cosine, sine) = circlePoint(UInt32(truncatingIfNeeded: w >> 16) & 0xFF_FFFF)
        return (radius * cosine, radius * sine)
    }

    /// √v for v ≥ 0 by three Newton steps on 1/√v from the bit-level first guess (relative error below
    /// 1e-9 before rounding). `Float.squareRoot()` compiles to a libm call guarded for errno, which keeps
    /// the optimizer from vectorizing the fill loop: normals ran 5× slower with it.
    @inline(__always)
    static func squareRoot(_ v: Float) -> Float {
        var r = Float(bitPattern: 0x5F37_59DF &- (v.bitPattern >> 1))
        r = r * (1.5 - 0.5 * v * r * r)
        r = r * (1.5 - 0.5 * v * r * r)
        r = r * (1.5 - 0.5 * v * r * r)
        return v * r
    }

    /// Natural logarithm of a positive normal float without a libm call: `x = m · 2^e` with
    /// `m ∈ [√½, √2)`, then `ln m = 2 atanh(s)`, `s = (m − 1)/(m + 1)`, whose odd series to `s⁹` is within
    /// 1e-7 for `|s| ≤ 0.172`.
    @inline(__always)
    static func logarithm(_ x: Float) -> Float {
        let bits = x.bitPattern, fraction = bits & 0x007F_FFFF
        // All ones when 1 + fraction < √2 (then m = 1 + fraction, e = E − 127), else zero (m = (1 + fraction)/2).
        let small = UInt32(bitPattern: Int32(bitPattern: fraction &- 0x0035_04F3) >> 31)
        let mantissa = Float(bitPattern: fraction | (0x3F00_0000 &+ (small & 0x0080_0000)))
        let exponent = Float(Int32(bitPattern: bits >> 23) &- 126 &+ Int32(bitPattern: small))
        let s = (mantissa - 1) / (mantissa + 1), s2 = s * s
        var p: Float = 1.0 / 9
        p = p * s2 + 1.0 / 7
        p = p * s2 + 1.0 / 5
        p = p * s2 + 1.0 / 3
        p = p * s2 + 1
        return exponent * 0.693_147_18 + 2 * s * p
    }

    /// `(cos θ, sin θ)` for the angle that 24 random bits pick uniformly on the circle: the top two bits a
    /// quarter turn `q`, the other 22 an offset `x ∈ [−π/4, π/4)`, `θ = q·π/2 + x`. Taylor series to `x⁹`/`x¹⁰`
    /// (truncation below 2e-9) on the offset, then the quarter turn by swapping and negating through bit masks.
    @inline(__always)
    static func circlePoint(_ bits: UInt32) -> (cos: Float, sin: Float) {
        let q = bits >> 22
        let x = (Float(bits & 0x3F_FFFF) * (1 / Float(1 << 22)) - 0.5) * (Float.pi / 2), x2 = x * x
        var s: Float = 1.0 / 362_880
        s = s * x2 - 1.0 / 5040
        s = s * x2 + 1.0 / 120
        s = s * x2 - 1.0 / 6
        s = s * x2 * x + x
        var c: Float = -1.0 / 3_628_800
        c = c * x2 + 1.0 / 40320
        c = c * x2 - 1.0 / 720
        c = c * x2 + 1.0 / 24
        c = c * x2 - 0.5
        c = c * x2 + 1
        // Rotating (c, s) by q quarter turns: (c, s), (−s, c), (−c, −s), (s, −c).
        let swap = 0 &- (q & 1)
        let first = (c.bitPattern & ~swap) | (s.bitPattern & swap)
        let second = (s.bitPattern & ~swap) | (c.bitPattern & swap)
        let cosineSign = ((q ^ (q >> 1)) & 1) << 31, sineSign = (q >> 1) << 31
        return (Float(bitPattern: first ^ cosineSign), Float(bitPattern: second ^ sineSign))
    }
}
