import ArgumentParser
import Checkpoints
import Foundation

/// `nntop fuzz`: the seeded mutation fuzzer over the safetensors header parser, the weights-only unpickler
/// and the torch zip/legacy readers. Finishing at all is the result; a crash would end the process.
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz", abstract: "Feed mutated checkpoints to the readers (build with -c release for millions).")

    @Option(help: "Number of mutated inputs.") var iterations = 100_000
    @Option(help: "Seed of the mutations (the same seed gives the same inputs).") var seed: UInt64 = 1
    @Option(help: "A folder whose files are added to the built-in seed inputs (e.g. checkpoint samples).")
    var corpus: String?

    func run() throws {
        guard iterations > 0 else { throw ValidationError("--iterations must be positive") }
        let extra = try CLIError.wrap { try corpus.map(Self.files) ?? [] }
        print(Fuzz.run(iterations: iterations, seed: seed, corpus: extra))
    }

    /// The regular files directly inside `folder`, in name order.
    static func files(in folder: String) throws -> [[UInt8]] {
        let url = URL(fileURLWithPath: folder)
        return try FileManager.default.contentsOfDirectory(atPath: folder).sorted().compactMap { name in
            let file = url.appendingPathComponent(name)
            let values = try file.resourceValues(forKeys: [.isRegularFileKey])
            return values.isRegularFile == true ? [UInt8](try Data(contentsOf: file)) : nil
        }
    }
}
