import Synchronization

/// torch.Generator for the CPU: a 32-bit Mersenne Twister seeded like `torch.manual_seed`, with
/// PyTorch's uniform transformation, so `manualSeed(0)` followed by the same init calls draws the same
/// uniform bits as PyTorch.
public struct MersenneTwister: Sendable {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624
    /// Box–Muller produces pairs; PyTorch caches the second double sample.
    var nextDoubleNormal: Double?

    public init(seed: UInt64) {
        state[0] = UInt32(truncatingIfNeeded: seed)
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        index = 624
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7fff_ffff)
            var next = state[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { next ^= 0x9908_b0df }
            state[i] = next
        }
        index = 0
    }

    public mutating func next32() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    public mutating func next64() -> UInt64 {
        let hi = UInt64(next32())
        let lo = UInt64(next32())
        return (hi << 32) | lo
    }

    /// at::uniform_real_distribution<float>: 24 random bits scaled into [from, to).
    public mutating func uniformFloat(_ from: Float, _ to: Float) -> Float {
        let x = Float(next32() & ((1 << 24) - 1)) * (1.0 / Float(1 << 24))
        return x * (to - from) + from
    }

    /// at::uniform_real_distribution<double>: 53 random bits.
    public mutating func uniformDouble(_ from: Double, _ to: Double) -> Double {
        let x = Double(next64() & ((1 << 53) - 1)) * (1.0 / Double(UInt64(1) << 53))
        return x * (to - from) + from
    }

    /// at::normal_distribution<double> (the scalar path PyTorch uses for fewer than 16 elements).
    public mutating func normalDouble(mean: Double, std: Double) -> Double {
        if let cached = nextDoubleNormal {
            nextDoubleNormal = nil
            return cached * std + mean
        }
        let u1 = uniformDouble(0, 1)
        let u2 = uniformDouble(0, 1)
        let r = (-2.0 * Foundation.log(1.0 - u2)).squareRoot()
        let theta = 2.0 * Double.pi * u1
        nextDoubleNormal = r * Foundation.sin(theta)
        return r * Foundation.cos(theta) * std + mean
    }
}

import Foundation

/// The default CPU generator (torch.default_generator), shared process-wide like PyTorch's.
public enum DefaultGenerator {
    static let shared = Mutex(MersenneTwister(seed: 67_280_421_310_721))

    /// torch.manual_seed.
    public static func manualSeed(_ seed: UInt64) {
        shared.withLock { $0 = MersenneTwister(seed: seed) }
    }

    public static func withGenerator<T>(_ body: (inout MersenneTwister) throws -> T) rethrows -> T {
        if let forked = forked { return try forked.state.withLock { try body(&$0) } }
        return try shared.withLock { try body(&$0) }
    }

    /// A generator private to one task, so a seeded computation is reproducible while other threads draw.
    final class Fork: Sendable {
        let state: Mutex<MersenneTwister>
        init(seed: UInt64) { state = Mutex(MersenneTwister(seed: seed)) }
    }

    @TaskLocal static var forked: Fork?

    /// Whether fills draw PyTorch's exact sequence whatever the tensor's size (see `RandomFill.streamSeed`).
    @TaskLocal public static var torchSequence = false

    /// Runs `body` with every `uniform_`/`normal_`/`rand`/`randn` drawing element by element from the
    /// Mersenne Twister exactly as PyTorch's CPU generator does, large tensors included (serial and slow), for
    /// code that must reproduce values PyTorch drew after `torch.manual_seed`.
    public static func withTorchSequence<T>(_ body: () throws -> T) rethrows -> T {
        try $torchSequence.withValue(true, operation: body)
    }

    /// torch: `with torch.random.fork_rng(): torch.manual_seed(seed); ...` — `body` draws from its own
    /// generator seeded with `seed`; the process-wide generator is neither used nor changed.
    public static func forkRNG<T>(seed: UInt64, _ body: () throws -> T) rethrows -> T {
        try $forked.withValue(Fork(seed: seed), operation: body)
    }
}

/// Factory defaults that PyTorch keeps in global state (`torch.set_default_dtype`, `with torch.device(...)`),
/// scoped per task so parallel tests do not interfere.
public enum TensorDefaults {
    @TaskLocal public static var dtype: DType = .float32
    @TaskLocal public static var device: Device = .cpu
}
