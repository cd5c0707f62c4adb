import ArgumentParser
import ModelSources
import ModelView
import Checkpoints
import Foundation
import NNModules
import Profiler

/// `nntop train MODEL`: a few real training steps (forward, cross-entropy, backward, optimizer step) on a
/// synthetic classification set shaped like the model's sample input, printing the loss per step and writing
/// per-module gradient statistics. Frozen prefixes get no gradient and no update.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Run training steps on synthetic data; report loss and gradients.")

    @OptionGroup var source: ModelArguments
    @Option(help: "Training steps.") var steps = 20
    @Option(help: "Learning rate.") var lr = 0.05
    @Option(help: "sgd (momentum 0.9) or adamw.") var optimizer = "sgd"
    @Option(help: "Samples per step.") var batch = 16
    @Option(parsing: .upToNextOption, help: "Module names whose subtree is frozen (requires_grad_(False)).") var freeze: [String] = []
    @Option(help: "Write per-step loss and per-module gradient statistics as JSON.") var json: String?

    /// Latency only: activation statistics are not what training reports.
    static var profilerOptions: ModuleProfiler.Options {
        var options = ModuleProfiler.Options()
        options.statisticsEvery = 0
        return options
    }

    /// Modules whose own parameters received a gradient, in `named_modules()` order, with the backward time
    /// of the step (inclusive of submodules).
    static func moduleRecords(_ snapshot: ProfileSnapshot) -> [JSONText] {
        snapshot.modules.compactMap { module in
            guard let g = module.gradient else { return nil }
            return .object([("name", .string(module.name)), ("grad_norm", .double(g.norm)), ("grad_mean", .double(g.mean)),
                            ("grad_max", .double(g.maxAbs)), ("nan_count", .int(g.nanCount)), ("inf_count", .int(g.infCount)),
                            ("backward_ms", .double(module.backward?.inclusive.total.max ?? 0))])
        }
    }

    static func nodeRecords(_ snapshot: ProfileSnapshot) -> [JSONText] {
        snapshot.backwardNodes.map { .object([("name", .string($0.name)), ("ms", .double($0.ms)), ("count", .int($0.count))]) }
    }

    func run() throws {
        guard steps > 0, batch > 0, lr > 0 else { throw ValidationError("--steps, --batch and --lr must be positive") }
        guard optimizer == "sgd" || optimizer == "adamw" else { throw ValidationError("--optimizer must be sgd or adamw") }
        let loaded = try source.load()
        try CLIError.wrap {
            let model = loaded.module
            guard let sample = loaded.sampleInput?.first?.tensor else {
                throw ModelLoadError(description: "\(loaded.name): no architecture is known, so there is nothing to train")
            }
            for prefix in freeze { try model.getSubmodule(prefix).requiresGrad_(false) }
            let task = try TrainingTask(model: model, sample: sample, batch: batch)
            model.train()
            let trainable = model.parameters().filter(\.requiresGrad)
            let optim: Optimizer = optimizer == "sgd" ? SGD(trainable, lr: lr, momentum: 0.9) : AdamW(trainable, lr: lr)
            var records: [JSONText] = []
            let profiler = ModuleProfiler(attachingTo: model, options: Self.profilerOptions)
            defer { profiler.detach() }
            for step in 0..<steps {
                try optim.zeroGrad()
                let loss = try task.loss(model)
                let value = try loss.item()
                try profiler.backward(loss)
                try profiler.recordGradients()
                try optim.step()
                let snapshot = profiler.snapshot()
                print("step \(step + 1) loss \(String(format: "%.6f", value)) backward \(String(format: "%.2f", profiler.lastBackwardMs)) ms")
                records.append(.object([("step", .int(step + 1)), ("loss", .double(value)),
                                        ("backward_ms", .double(profiler.lastBackwardMs)),
                                        ("backward_nodes", .array(Self.nodeRecords(snapshot))),
                                        ("modules", .array(Self.moduleRecords(snapshot)))]))
                profiler.reset()
            }
            if let json {
                let text = JSONText.object([("model", .string(loaded.name)), ("optimizer", .string(optimizer)), ("lr", .double(lr)),
                                            ("frozen", .array(freeze.map(JSONText.string))), ("steps", .array(records))]).rendered
                try OutputFile.write(text + "\n", to: json)
            }
        }
    }
}
