import Foundation

/// What a fuzz run saw. Returning at all is the result that matters: every input was either accepted or
/// refused with a `CheckpointError` (a crash, trap or hang would have ended the process instead).
public struct FuzzReport: Sendable, CustomStringConvertible {
    public let iterations: Int
    public let seed: UInt64
    public let seconds: Double
    /// Inputs each reader accepted (and whose every element was then read back).
    public let accepted: [String: Int]
    /// Refusals by error kind.
    public let refused: [String: Int]

    public var description: String {
        let accepts = accepted.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let refusals = refused.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "fuzz: \(iterations) inputs, seed \(seed), \(String(format: "%.1f", seconds)) s, no crash; "
            + "accepted: \(accepts); refused: \(refusals)"
    }
}

/// A seeded mutation fuzzer over the safetensors header parser, the weights-only unpickler and the
/// torch zip/legacy readers: byte flips, truncations, insertions, deletions, length-field rewrites with
/// boundary values, opcode swaps and splices between inputs, stacked 1 to 4 per input.
public enum Fuzz {
    /// Mutated inputs are capped so one input stays cheap whatever the mutations do.
    static let maxInputSize = 64 * 1024

    /// Runs `iterations` mutated inputs derived from built-in seeds plus `corpus` (for example the golden
    /// checkpoint files). The same seed and corpus always produce the same inputs.
    public static func run(iterations: Int, seed: UInt64, corpus: [[UInt8]] = []) -> FuzzReport {
        let inputs = (FuzzSeeds.all() + corpus).filter { !$0.isEmpty }
        var random = SplitMix64(seed: seed)
        var accepted: [String: Int] = [:]
        var refused: [String: Int] = [:]
        let start = Date()
        for iteration in 0..<iterations {
            var input = inputs[iteration % inputs.count]
            for _ in 0...random.below(4) { mutate(&input, random: &random, inputs: inputs) }
            let file = FileBytes(copying: input, label: "fuzz input \(iteration)")
            for (target, read) in targets {
                do {
                    try read(file)
                    accepted[target, default: 0] += 1
                } catch {
                    refused["\(target): \(kindName(error.kind))", default: 0] += 1
                }
            }
        }
        return FuzzReport(
            iterations: iterations, seed: seed, seconds: Date().timeIntervalSince(start), accepted: accepted,
            refused: refused)
    }

    /// Every reader, each followed by reading every element of what it accepted.
    private static let targets: [(String, @Sendable (FileBytes) throws(CheckpointError) -> Void)] = [
        ("safetensors", { file throws(CheckpointError) in touch(try SafetensorsFile(bytes: file).records) }),
        ("torch", { file throws(CheckpointError) in touch(try TorchCheckpoint(bytes: file).records) }),
        ("pickle", { file throws(CheckpointError) in _ = try PickleMachine.run(file.bytes, file: file.path, source: "pickle") }),
        // The object-recording mode (whole-model pickles, TorchScript) faces the same hostile input.
        ("torch objects", { file throws(CheckpointError) in touch(try TorchCheckpoint(bytes: file, recordsObjects: true).records) }),
        ("pickle objects", { file throws(CheckpointError) in
            _ = try PickleMachine.run(file.bytes, file: file.path, source: "pickle", recordsObjects: true)
        }),
    ]

    private static func touch(_ records: [TensorRecord]) {
        for record in records { _ = record.elementValues() }
    }

    private static func kindName(_ kind: CheckpointError.Kind) -> String {
        switch kind {
        case .invalidOffset: "invalidOffset"
        case .unsupportedGlobal: "unsupportedGlobal"
        case .unsupportedOpcode: "unsupportedOpcode"
        default: "\(kind)"
        }
    }

    private static let boundaryValues: [UInt64] = [
        0, 1, 2, 7, 8, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 1 << 32, 1 << 40,
        UInt64(Int64.max), UInt64.max, 100_000_000, 100_000_001,
    ]

    /// Pickle opcodes, so swaps land on instructions the machine actually dispatches on.
    private static let opcodes = Array("()tR.QbcKMJXUTBCNqhjrsuae0]}".utf8) + [0x80, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x93, 0x94, 0x95]

    private static func mutate(_ input: inout [UInt8], random: inout SplitMix64, inputs: [[UInt8]]) {
        let count = input.count
        switch random.below(8) {
        case 0:  // flip bits
            for _ in 0...random.below(8) where count > 0 { input[random.below(count)] ^= UInt8(1 << random.below(8)) }
        case 1:  // random bytes
            for _ in 0...random.below(4) where count > 0 { input[random.below(count)] = UInt8(truncatingIfNeeded: random.next()) }
        case 2:  // truncate
            input.removeLast(count == 0 ? 0 : random.below(count))
        case 3:  // insert
            let bytes = (0...random.below(16)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            input.insert(contentsOf: bytes, at: random.below(count + 1))
        case 4:  // delete a range
            guard count > 0 else { return }
            let start = random.below(count)
            input.removeSubrange(start..<min(count, start + 1 + random.below(32)))
        case 5:  // rewrite a little-endian length field with a boundary value (or one near the input size)
            let width = [1, 2, 4, 8][random.below(4)]
            guard count >= width else { return }
            let candidates = boundaryValues + [UInt64(count), UInt64(count) &- 8, UInt64(count) &+ 1]
            var value = candidates[random.below(candidates.count)]
            let at = random.below(count - width + 1)
            for offset in 0..<width {
                input[at + offset] = UInt8(truncatingIfNeeded: value)
                value >>= 8
            }
        case 6:  // swap in a pickle opcode
            guard count > 0 else { return }
            input[random.below(count)] = opcodes[random.below(opcodes.count)]
        default:  // splice: a prefix of this input with a suffix of another
            let other = inputs[random.below(inputs.count)]
            input = Array(input.prefix(random.below(count + 1)) + other.suffix(random.below(other.count + 1)))
        }
        if input.count > maxInputSize { input.removeLast(input.count - maxInputSize) }
    }
}

/// A small, fast, seedable generator (Steele et al.'s SplitMix64), so fuzz runs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<bound` (`bound` > 0).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
