import ArgumentParser
import Checkpoints
import Foundation
import ModelSources
import ModelView
import NNModules
import Profiler

/// `nntop profile MODEL`: runs the sample input N times with hooks on every submodule and prints the
/// hottest modules; optionally exports JSON (a session file), CSV and a Chrome trace.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "profile", abstract: "Profile a model's forward pass layer by layer.")

    @OptionGroup var source: ModelArguments
    @Option(help: "Measured forward passes.") var runs = 10
    @Option(help: "Unmeasured forward passes first.") var warmup = 1
    @Option(help: "Rows in the table of hottest modules.") var top = 15
    @Option(help: "Write the profile as a session file (JSON, reopened by `nntop FILE`).") var json: String?
    @Option(help: "Write one CSV line per module.") var csv: String?
    @Option(help: "Write a Chrome/Perfetto trace.") var trace: String?
    @Flag(help: "Also compute statistics of each module's inputs (exported as \"inputs\").") var inputStats = false
    @Flag(help: "Profile training steps (forward, loss, backward, AdamW step on the synthetic task of `nntop train`): adds per-module backward time and gradient statistics.")
    var trainStep = false

    func run() throws {
        guard runs > 0, warmup >= 0, top > 0 else { throw ValidationError("--runs and --top must be positive, --warmup 0 or more") }
        let loaded = try source.load()
        guard let sampleInput = loaded.sampleInput else {
            throw CLIError.failure("\(source.model): nothing to profile: the architecture is unknown (see `nntop summary`)")
        }
        var options = ModuleProfiler.Options()
        options.traceEventLimit = trace == nil ? 0 : 200_000
        options.inputStatistics = inputStats
        // The same source the view uses, run N times: the numbers below are the ones the view would show.
        let source = LocalModelSource(loaded, plan: .init(runs: runs, warmup: warmup, options: options))
        if trainStep {
            // What `T` does in the view: train mode and the same synthetic step, from the first run on.
            _ = source.perform(.setTraining(true))
            let outcome = source.perform(.setTrainStep(true))
            if outcome.isError { throw CLIError.failure(outcome.message) }
        }
        source.start()
        source.waitUntilFinished()
        guard let snapshot = source.latestSnapshot()?.snapshot, snapshot.runner.state != .loading else {
            throw CLIError.failure("the profiler produced no measurement")
        }
        if let error = snapshot.runner.trainStepError { throw CLIError.failure("the training step failed: \(error)") }
        if snapshot.runner.state == .failed {
            let place = snapshot.failedModule.map { " in module '\($0.isEmpty ? "(root)" : $0)'" } ?? ""
            throw CLIError.failure("the sample forward pass failed\(place): \(snapshot.runner.message ?? "unknown error")")
        }
        let tree = source.tree
        try CLIError.wrap {
            if let json { try OutputFile.write(ProfileExport.json(tree: tree, snapshot: snapshot), to: json) }
            if let csv { try OutputFile.write(ProfileExport.csv(tree: tree, snapshot: snapshot), to: csv) }
            if let trace {
                try OutputFile.write(ProfileExport.chromeTrace(model: loaded.name, events: source.trace), to: trace)
            }
        }
        print(ProfileTable.render(tree: tree, snapshot: snapshot, top: top))
    }
}
