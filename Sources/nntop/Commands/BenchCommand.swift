import ArgumentParser
import ModelSources
import ModelView
import Dispatch
import Checkpoints
import Foundation
import NNModules
import NNTopUI
import Profiler
import ModelZoo

/// `nntop bench [MODEL...]`: forward-pass latency of zoo models on their sample inputs (eval mode, after
/// warm-up), what profiling them costs (hooked ÷ plain forward, latency only and with statistics, and the
/// cost per hook call), square GEMM throughput and the TUI's render time for a 10k-module tree, as JSON.
/// Meant for release builds; `scripts/bench-vs-torch.py` runs the same models in PyTorch and prints the ratio.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Time forward passes of zoo models and GEMMs; print JSON.")

    @Argument(help: "Zoo models to time.")
    var models: [String] = ["resnet18", "gpt2", "bert-base-uncased", "lenet5"]
    @Option(help: "Timed forward passes per model.") var runs = 10
    @Option(help: "Untimed forward passes first.") var warmup = 2
    @Option(help: "Compute threads (default: all cores).") var threads: Int?
    @Option(help: "Also write the JSON to this file.") var json: String?
    @Option(help: "Square GEMM sizes to measure.") var gemm: [Int] = [256, 1024]
    @Flag(help: "Skip the profiling-overhead measurement (it runs every model twice more).") var noOverhead = false
    @Flag(help: "Time training steps instead of forwards: train mode, zero_grad, forward, cross-entropy, backward, SGD step (momentum 0.9).")
    var trainStep = false
    @Flag(help: "Time the interactive view's start instead: first frame and first measured forward on screen, per model, in a pseudo-terminal.")
    var startup = false
    @Option(help: "With --startup: also a sparse Llama-2-7B-shaped sharded checkpoint folder written to a temporary folder.")
    var startupCheckpointLayers: Int?
    @Flag(help: "Time the view on big trees instead: open, frame, key, snapshot, search and filter keystrokes on a synthetic tree of --tree-modules modules and on the zoo models named (default llama-70b, built on meta).")
    var tree = false
    @Option(help: "With --tree: modules of the synthetic tree.") var treeModules = 100_000
    @Option(help: "With --tree: zoo models (or any MODEL) whose trees are timed too, built on meta.") var treeModel: [String] = ["llama-70b"]
    @Option(help: "Also run each model's interactive view in a pseudo-terminal for this many seconds after its first latency and report its forwards per second (live_forwards_per_s); 0: off.")
    var liveSeconds = 0.0

    func run() throws {
        guard runs > 0, warmup >= 0 else { throw ValidationError("--runs must be positive and --warmup 0 or more") }
        if startup { return try runStartup() }
        if tree { return try runTree() }
        if let threads { ComputeThreads.set(threads) }
        let threadCount = ComputeThreads.count
        try CLIError.wrap {
            var modelFields: [String] = []
            for name in models {
                let buildMs = try Self.buildMilliseconds(name)
                let loaded = try ModelResolver.load(name)
                guard let sample = loaded.sampleInput else {
                    throw ModelLoadError(description: "\(name): no architecture is known, so there is nothing to run")
                }
                let times: [Double]
                if trainStep {
                    times = try Self.measureTrainingSteps(loaded.module, sample: sample, runs: runs, warmup: warmup)
                } else {
                    loaded.module.eval()
                    times = try Self.measure(runs: runs, warmup: warmup) { _ = try GradMode.noGrad { try loaded.module.call(sample) } }
                }
                var fields = Self.summary(times, threads: threadCount) + (trainStep ? ", \"mode\": \"train_step\"" : "")
                if let buildMs { fields += ", \"build_ms\": \(Self.number(buildMs))" }
                if !noOverhead && !trainStep {
                    let overhead = try OverheadBenchmark.run(model: loaded.module, inputs: sample, runs: runs)
                    fields += ", \"hooked_median_ms\": \(Self.number(overhead.hookedMedianMs))"
                        + ", \"overhead_ratio\": \(Self.number(overhead.overheadRatio))"
                        + ", \"statistics_median_ms\": \(Self.number(overhead.statisticsMedianMs))"
                        + ", \"statistics_mean_ms\": \(Self.number(overhead.statisticsMeanMs))"
                        + ", \"plain_mean_ms\": \(Self.number(overhead.plainMeanMs))"
                        + ", \"statistics_overhead_ratio\": \(Self.number(overhead.statisticsOverheadRatio))"
                        + ", \"per_hook_ns\": \(Self.number(overhead.perHookNs))"
                        + ", \"hook_calls_per_forward\": \(overhead.hookCallsPerForward)"
                }
                if liveSeconds > 0 && !trainStep {
                    let live = try StartupBenchmark.measure(model: name, timeout: 300, liveSeconds: liveSeconds,
                                                            hookedRate: Self.hookedRate(loaded.module, sample: sample))
                    if let rate = live.liveForwardsPerSecond { fields += ", \"live_forwards_per_s\": \(Self.number(rate))" }
                    if let rate = live.hookedForwardsPerSecond { fields += ", \"live_hooked_forwards_per_s\": \(Self.number(rate))" }
                    if let share = live.liveShare { fields += ", \"live_share\": \(Self.number(share))" }
                    if !live.windows.isEmpty {
                        fields += ", \"live_windows\": [" + live.windows.map { "[\(Self.number($0.live)), \(Self.number($0.hooked))]" }
                            .joined(separator: ", ") + "]"
                    }
                }
                modelFields.append("\(Self.quoted(name)): {" + fields + "}")
                FileHandle.standardError.write(Data("\(name): median \(Self.number(Self.percentile(times, 0.5))) ms\n".utf8))
            }
            var gemmFields: [String] = []
            for n in gemm where n > 0 {
                let a = Tensor.randn([n, n]), b = Tensor.randn([n, n])
                let times = try Self.measure(runs: Swift.max(runs, 5), warmup: 1) { _ = try a.matmul(b) }
                let best = times.min() ?? 1
                gemmFields.append("\(Self.quoted(String(n))): \(Self.number(2 * pow(Double(n), 3) / (best * 1e6)))")
            }
            let synthetic = SyntheticModel.make(moduleCount: 10_000)
            let render = TreeBenchmark.run(model: synthetic, snapshot: SyntheticModel.profile(for: synthetic), frames: 100).frameMs.median
            let text = "{\"models\": {\(modelFields.joined(separator: ", "))}, \"gemm_gflops\": {\(gemmFields.joined(separator: ", "))}, "
                + "\"tui_render_ms_per_frame_10k_modules\": \(Self.number(render))}"
            print(text)
            if let json { try OutputFile.write(text, to: json) }
        }
    }

    /// One training step as PyTorch code writes it, on a batch shaped like the sample input (the same task
    /// `nntop train` uses: a synthetic classification batch, or a token stream with the shifted LM loss).
    static func measureTrainingSteps(_ model: Module, sample: [Value], runs: Int, warmup: Int) throws -> [Double] {
        guard let input = sample.first?.tensor else { throw ModelLoadError(description: "the sample input is not a tensor") }
        let task = try TrainingTask(model: model, sample: input, batch: Swift.max(1, input.sizes.first ?? 1))
        model.train()
        let optimizer = SGD(model.parameters(), lr: 0.01, momentum: 0.9)
        return try measure(runs: runs, warmup: warmup) {
            try optimizer.zeroGrad(setToNone: true)
            try task.loss(model).backward()
            try optimizer.step()
        }
    }

    /// Forwards per second of `model` with latency hooks on every module (what the live view's rate is set
    /// against), over about `seconds` of back-to-back forwards; the hooks are removed afterwards.
    static func hookedRate(_ model: Module, sample: [Value]) -> (Double) throws -> Double {
        { seconds in
            var options = ModuleProfiler.Options()
            options.statisticsEvery = 0
            let profiler = ModuleProfiler(attachingTo: model, options: options)
            defer { profiler.detach() }
            return try GradMode.noGrad {
                _ = try model.call(sample)
                let start = DispatchTime.now().uptimeNanoseconds
                var forwards = 0, elapsed: UInt64 = 0
                repeat {
                    _ = try model.call(sample)
                    forwards += 1
                    elapsed = DispatchTime.now().uptimeNanoseconds - start
                } while Double(elapsed) < seconds * 1e9 || forwards < 3
                return Double(forwards) / (Double(elapsed) / 1e9)
            }
        }
    }

    /// Milliseconds to build a zoo model with random weights (what `nntop MODEL` does first): the median of
    /// three builds when one takes under a second, else the one. Nil for models that are not in the zoo.
    static func buildMilliseconds(_ name: String) throws -> Double? {
        guard let entry = Zoo.model(named: name) else { return nil }
        var times = try measure(runs: 1, warmup: 0) { _ = try entry.build() }
        if times[0] < 1000 { times += try measure(runs: 2, warmup: 0) { _ = try entry.build() } }
        return percentile(times, 0.5)
    }

    /// Milliseconds of each timed call of `body`.
    static func measure(runs: Int, warmup: Int, _ body: () throws -> Void) throws -> [Double] {
        for _ in 0..<warmup { try body() }
        return try (0..<runs).map { _ in
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        }
    }

    /// Nearest-rank percentile of `values`.
    static func percentile(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[Int((q * Double(sorted.count - 1)).rounded())]
    }

    /// The latency fields of one model (without braces, so more can follow).
    static func summary(_ times: [Double], threads: Int) -> String {
        "\"median_ms\": \(number(percentile(times, 0.5))), \"p10_ms\": \(number(percentile(times, 0.1))), "
            + "\"p90_ms\": \(number(percentile(times, 0.9))), \"runs\": \(times.count), \"threads\": \(threads)"
    }

    static func number(_ value: Double) -> String { String(format: "%.3f", value) }
    static func quoted(_ text: String) -> String { "\"\(text)\"" }

    /// `--startup`: one JSON object per model with the seconds to the first frame and to the first latency.
    private func runStartup() throws {
        var targets = models
        var folder: URL?
        if let layers = startupCheckpointLayers {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-bench-startup-\(getpid())")
            try CLIError.wrap {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
                _ = try SparseCheckpoint.writeLlama(layers: layers, to: url)
            }
            folder = url
            targets.append(url.path)
        }
        defer { folder.map { try? FileManager.default.removeItem(at: $0) } }
        var lines: [String] = []
        for model in targets {
            let result = try CLIError.wrap { try StartupBenchmark.measure(model: model, timeout: 600) }
            let name = folder.map { model == $0.path } == true ? "llama-7b-sharded-checkpoint" : model
            let line = "{\"model\": \"\(name)\", \"first_frame_s\": \(Self.number(result.firstFrameSeconds ?? .nan)), "
                + "\"first_latency_s\": \(Self.number(result.firstLatencySeconds ?? .nan)), \"exit\": \(result.exitStatus)}"
            print(line)
            lines.append(line)
        }
        if let json {
            try CLIError.wrap { try OutputFile.write("[" + lines.joined(separator: ",\n") + "]\n", to: json) }
        }
    }
}
