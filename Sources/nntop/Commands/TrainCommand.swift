import ArgumentParser
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
            for step in 0..<steps {
                try optim.zeroGrad()
                let loss = try task.loss(model)
                let value = try loss.item()
                try loss.backward()
                let statistics = try GradientStatistics.perModule(model)
                try optim.step()
                print("step \(step + 1) loss \(String(format: "%.6f", value))")
                records.append(.object([("step", .int(step + 1)), ("loss", .double(value)),
                                        ("modules", .array(statistics.map(\.json)))]))
            }
            if let json {
                let text = JSONText.object([("model", .string(loaded.name)), ("optimizer", .string(optimizer)), ("lr", .double(lr)),
                                            ("frozen", .array(freeze.map(JSONText.string))), ("steps", .array(records))]).rendered
                try (text + "\n").write(toFile: json, atomically: true, encoding: .utf8)
            }
        }
    }
}

/// Gradient statistics of each module's own parameters after a backward pass.
struct GradientStatistics {
    let name: String
    let norm: Double, mean: Double, maxAbs: Double
    let nanCount: Int, infCount: Int

    var json: JSONText {
        .object([("name", .string(name)), ("grad_norm", .double(norm)), ("grad_mean", .double(mean)),
                 ("grad_max", .double(maxAbs)), ("nan_count", .int(nanCount)), ("inf_count", .int(infCount))])
    }

    /// Modules with at least one parameter that received a gradient, in `named_modules()` order.
    static func perModule(_ model: Module) throws -> [GradientStatistics] {
        try model.namedModules().compactMap { name, module in
            let values = try module.parameters(recurse: false).compactMap(\.grad).flatMap { try $0.toDoubles() }
            guard !values.isEmpty else { return nil }
            let finite = values.filter(\.isFinite)
            return GradientStatistics(
                name: name, norm: finite.reduce(0) { $0 + $1 * $1 }.squareRoot(),
                mean: values.reduce(0, +) / Double(values.count), maxAbs: finite.map(Swift.abs).max() ?? .nan,
                nanCount: values.filter(\.isNaN).count, infCount: values.filter(\.isInfinite).count)
        }
    }
}
