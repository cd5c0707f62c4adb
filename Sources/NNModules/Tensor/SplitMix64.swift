/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014; Java's
/// `SplittableRandom`) used as a counter-based generator: word `n` of a stream is a pure function of the
/// stream's seed and `n`, so any range of a large tensor can be filled by any thread and the values do not
/// depend on how the work was split. Plain integer arithmetic, so it stays fast in debug builds too (generic
/// SIMD types do not) and the optimizer can vectorize the loops that call it.
struct SplitMix64: Sendable {
    let seed: UInt64

    @inline(__always)
    func word(_ n: UInt64) -> UInt64 {
        var z = seed &+ (n &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
