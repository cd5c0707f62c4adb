import ArgumentParser
import Dispatch
import Foundation
import ModelSources
import NNModules

/// `nntop bench-init` (hidden): how fast random initialization draws, as JSON — `normal_` and `uniform_`
/// samples per second on one large float32 tensor (the parallel SplitMix64 path zoo models are built with) and,
/// with `--model`, the seconds to build zoo models with random weights. Meant for release builds.
struct BenchInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-init", abstract: "Time random initialization (normal_/uniform_ samples/s); print JSON.",
        shouldDisplay: false)

    @Option(help: "Elements of the tensor filled.") var count = 1 << 26
    @Option(help: "Timed fills per distribution (the best is reported).") var runs = 5
    @Option(help: "Compute threads (default: all cores).") var threads: Int?
    @Option(help: "Zoo models to build with random weights, timed once each.") var model: [String] = []

    func run() throws {
        guard count > 0, runs > 0 else { throw ValidationError("--count and --runs must be positive") }
        if let threads { ComputeThreads.set(threads) }
        try CLIError.wrap {
            let tensor = Tensor.empty([count], dtype: .float32)
            let normal = try BenchCommand.measure(runs: runs, warmup: 1) { _ = try tensor.normal_(mean: 0, std: 1) }
            let uniform = try BenchCommand.measure(runs: runs, warmup: 1) { _ = try tensor.uniform_(-1, 1) }
            var fields = ["\"count\": \(count)", "\"threads\": \(ComputeThreads.count)",
                          "\"normal_samples_per_s\": \(Self.rate(count, normal))",
                          "\"uniform_samples_per_s\": \(Self.rate(count, uniform))"]
            var builds: [String] = []
            for name in model {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try ModelResolver.load(name)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                builds.append("\(BenchCommand.quoted(name)): \(BenchCommand.number(seconds))")
            }
            if !builds.isEmpty { fields.append("\"build_s\": {\(builds.joined(separator: ", "))}") }
            print("{" + fields.joined(separator: ", ") + "}")
        }
    }

    /// Samples per second of the best of `times` (milliseconds), rounded to a whole number.
    static func rate(_ count: Int, _ times: [Double]) -> String {
        String(format: "%.0f", Double(count) / ((times.min() ?? .infinity) / 1e3))
    }
}
