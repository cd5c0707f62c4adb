import Foundation

/// Uniform and normal fills of large float32 tensors: SplitMix64 words turned into uniforms or Box–Muller
/// normals with polynomial log/sin/cos, split across `ComputeThreads` by ranges of elements. Building a zoo
/// model with random weights spends nearly all its time here (GPT-2: 124 M draws), which the serial Mersenne
/// Twister path made take seconds.
///
/// Elements `2p` and `2p + 1` come from word `p` of the stream: uniforms from its bits 40–63 and 16–39 (24
/// bits each, like `at::uniform_real_distribution<float>`); normals take those as Box–Muller's `u1 ∈ (0, 1]`
/// and `u2 ∈ [0, 1)`, radius `sqrt(-2 ln u1)`, angle `2π u2`, giving `r cos` to `2p` and `r sin` to `2p + 1`.
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

    private static func fillUniform(_ out: UnsafeMutablePointer<Float>, _ count: Int, _ pairs: Range<Int>,
                                    _ stream: SplitMix64, from: Float, to: Float) {
        let scale = (to - from) * unit
        let whole = pairs.lowerBound..<min(pairs.upperBound, count / 2)
        for p in whole {
            let w = stream.word(UInt64(p))
            out[2 * p] = Float(w >> 40) * scale + from
            out[2 * p + 1] = Float((w >> 16) & 0xFF_FFFF) * scale + from
        }
        if whole.upperBound < pairs.upperBound {
            out[count - 1] = Float(stream.word(UInt64(count / 2)) >> 40) * scale + from
        }
    }

    private static func fillNormal(_ out: UnsafeMutablePointer<Float>, _ count: Int, _ pairs: Range<Int>,
                                   _ stream: SplitMix64, mean: Float, std: Float) {
        let whole = pairs.lowerBound..<min(pairs.upperBound, count / 2)
        for p in whole {
            let (a, b) = boxMuller(stream.word(UInt64(p)))
            out[2 * p] = a * std + mean
            out[2 * p + 1] = b * std + mean
        }
        if whole.upperBound < pairs.upperBound {
            out[count - 1] = boxMuller(stream.word(UInt64(count / 2))).0 * std + mean
        }
    }

    /// Two standard normals from one word; `u1 = (top 24 bits + 1) / 2^24` keeps the logarithm finite.
    @inline(__always)
    static func boxMuller(_ w: UInt64) -> (Float, Float) {
        let u1 = (Float(w >> 40) + 1) * unit
        let u2 = Float((w >> 16) & 0xFF_FFFF) * unit
        let radius = (-2 * logarithm(u1)).squareRoot()
        // cos/sin of 2π(u2 − ½) are those of 2π·u2 negated; negating both halves of a pair keeps its law.
        let (sine, cosine) = sinCos((u2 - 0.5) * (2 * Float.pi))
        return (radius * cosine, radius * sine)
    }

    /// Natural logarithm of a positive normal float without a libm call (branch-free, so loops vectorize):
    /// `x = m · 2^e` with `m ∈ [√½, √2)`, then `ln m = 2 atanh(s)`, `s = (m − 1)/(m + 1)`, whose odd series to
    /// `s⁹` is within 1e-7 for `|s| ≤ 0.172`.
    @inline(__always)
    static func logarithm(_ x: Float) -> Float {
        let bits = x.bitPattern
        let small = (bits & 0x007F_FFFF) < 0x0035_04F3   // 1 + fraction < √2, so m = (1 + fraction)/2 < √½
        let mantissa = Float(bitPattern: (bits & 0x007F_FFFF) | (small ? 0x3F80_0000 : 0x3F00_0000))
        let exponent = Float(Int32(bitPattern: bits >> 23) - (small ? 127 : 126))
        let s = (mantissa - 1) / (mantissa + 1), s2 = s * s
        var p: Float = 1.0 / 9
        p = p * s2 + 1.0 / 7
        p = p * s2 + 1.0 / 5
        p = p * s2 + 1.0 / 3
        p = p * s2 + 1
        return exponent * 0.693_147_18 + 2 * s * p
    }

    /// Sine and cosine of `t ∈ [−π, π]` without libm calls: folded into `[−π/2, π/2]` (`sin(π − t) = sin t`,
    /// `cos(π − t) = −cos t`), then Taylor series to `t¹¹` and `t¹²` (truncation below 6e-8).
    @inline(__always)
    static func sinCos(_ t: Float) -> (sin: Float, cos: Float) {
        let folded = t > Float.pi / 2 || t < -Float.pi / 2
        let x = folded ? (t < 0 ? -Float.pi : Float.pi) - t : t, x2 = x * x
        var s: Float = -1.0 / 39_916_800
        s = s * x2 + 1.0 / 362_880
        s = s * x2 - 1.0 / 5040
        s = s * x2 + 1.0 / 120
        s = s * x2 - 1.0 / 6
        s = s * x2 * x + x
        var c: Float = 1.0 / 479_001_600
        c = c * x2 - 1.0 / 3_628_800
        c = c * x2 + 1.0 / 40320
        c = c * x2 - 1.0 / 720
        c = c * x2 + 1.0 / 24
        c = c * x2 - 0.5
        c = c * x2 + 1
        return (s, folded ? -c : c)
    }
}
