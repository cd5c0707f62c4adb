import ExportedModels
import NNModules
import Profiler

/// What `nntop train` optimizes, chosen from the model's sample input: a floating-point input is a
/// classifier trained with cross-entropy on `SyntheticClassification`; token ids are a causal language model
/// trained on a synthetic token stream (each sequence counts up from a random start, so the next token is
/// learnable) with transformers' shifted cross-entropy on `logits`.
public struct TrainingTask {
    private enum Kind {
        case classification(SyntheticClassification)
        case language(Tensor)
    }
    private let kind: Kind
    private let crossEntropy = try? CrossEntropyLoss()

    public init(model: Module, sample: Tensor, batch: Int) throws {
        if sample.isFloatingPoint {
            let classes = try GradMode.noGrad { try Self.scores(model.call([.tensor(sample)])) }.sizes.last ?? 0
            kind = .classification(try SyntheticClassification(sampleShape: sample.sizes, classes: classes, batch: batch, seed: 0))
            return
        }
        let length = sample.sizes.last ?? 1
        guard case .dict(let output) = try GradMode.noGrad({ try model.call([.tensor(sample)]) }),
              let vocab = output["logits"]?.tensor?.sizes.last else {
            throw ModelLoadError(description: "training a token model needs `logits` in its output (a causal language model)")
        }
        DefaultGenerator.manualSeed(0)
        let starts = try Tensor.randint(0, vocab, [batch]).toDoubles()
        let ids = starts.flatMap { start in (0..<length).map { Double((Int(start) + $0) % vocab) } }
        kind = .language(Tensor(ids, shape: [batch, length], dtype: .int64))
    }

    /// The class scores of a classifier's output: the output itself, or the first tensor of a tuple
    /// (a model with an auxiliary head returns `(logits, aux)`).
    static func scores(_ output: Value) throws -> Tensor {
        guard let first = output.flattenedTensors().first?.tensor else {
            throw TorchError.typeError("the model returned no tensor to train on")
        }
        return first
    }

    public func loss(_ model: Module) throws -> Tensor {
        guard let crossEntropy else { throw TorchError.runtimeError("cross-entropy loss unavailable") }
        switch kind {
        case .classification(let data):
            return try crossEntropy.loss(try Self.scores(model.call([.tensor(data.inputs)])), data.labels)
        case .language(let ids):
            guard case .dict(let output) = try model.call([.tensor(ids)]), let logits = output["logits"]?.tensor else {
                throw TorchError.typeError("the model returned no logits")
            }
            let length = ids.sizes[1], vocab = logits.sizes[2]
            let shifted = try logits.narrow(1, start: 0, length: length - 1).reshape([-1, vocab])
            let labels = try ids.narrow(1, start: 1, length: length - 1).reshape([-1]).contiguous()
            return try crossEntropy.loss(shifted, labels)
        }
    }
}

extension TrainingStep {
    /// What `T` in the view and `nntop profile --train-step` run: AdamW on the synthetic task `nntop train`
    /// uses, one batch the size of the sample input's (at least two, so batch statistics exist in train mode).
    public static func synthetic(for loaded: LoadedModel) throws -> TrainingStep {
        guard let sample = loaded.sampleInput?.first?.tensor else {
            throw ModelLoadError(description: "\(loaded.name): the sample input is not a tensor, so there is no training task")
        }
        // An exported program is traced for the batch size of its sample input: keep that one.
        let batch = loaded.module is ExportedProgramModule ? sample.sizes.first ?? 1 : max(2, sample.sizes.first ?? 1)
        let task = try TrainingTask(model: loaded.module, sample: sample, batch: batch)
        return TrainingStep(optimizer: AdamW(loaded.module.parameters(), lr: 1e-3)) { try task.loss($0) }
    }
}
