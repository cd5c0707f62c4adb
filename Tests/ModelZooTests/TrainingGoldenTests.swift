import Checkpoints
import Foundation
import GoldenSupport
import ModelZoo
import NNModules
import Testing

/// LeNet-5 training against PyTorch (`training/lenet5`, and `lenet5_frozen_0_3` with the first two
/// convolutions frozen): the first loss, every parameter's gradient (none for frozen ones), and ten optimizer
/// steps (losses before each step, weights after) with SGD+momentum and AdamW over the trainable parameters.
@Suite struct TrainingGoldenTests {
    static let folders = ["lenet5", "lenet5_frozen_0_3"]

    func lenet(_ folder: String) throws -> Module {
        let model = try LeNet5.build()
        try model.loadStateDict(StateDict(checkpoint: try Checkpoint.open(try Goldens.url("numeric/lenet5/weights.safetensors"))))
        if folder.hasSuffix("frozen_0_3") {
            try model.getSubmodule("0").requiresGrad_(false)
            try model.getSubmodule("3").requiresGrad_(false)
        }
        return model.train()
    }

    func batch() throws -> (Tensor, Tensor) {
        let sd = StateDict(checkpoint: try Checkpoint.open(try Goldens.url("training/lenet5/batch.safetensors")))
        return (try #require(sd.tensor("input")), try #require(sd.tensor("target")))
    }

    func info(_ folder: String) throws -> [String: Any] {
        try #require(try Goldens.json("training/\(folder)/info.json") as? [String: Any])
    }

    static func expectClose(_ mine: [Double], _ golden: [Double], rtol: Double, atol: Double, _ label: String) {
        #expect(mine.count == golden.count, "\(label) count")
        let worst = zip(mine, golden).map { abs($0 - $1) - rtol * abs($1) }.max() ?? 0
        #expect(worst <= atol, "\(label): largest excess over rtol \(rtol) is \(worst)")
    }

    @Test(arguments: folders)
    func firstLossAndGradientsMatchPyTorch(folder: String) throws {
        let model = try lenet(folder)
        let (x, y) = try batch()
        let loss = try CrossEntropyLoss().loss(try model(x), y)
        #expect(abs(try loss.item() - (try info(folder)["loss"] as? Double ?? .nan)) < 1e-5)
        try loss.backward()
        let golden = StateDict(checkpoint: try Checkpoint.open(try Goldens.url("training/\(folder)/grads.safetensors")))
        let withoutGrad = try info(folder)["params_without_grad"] as? [String] ?? []
        for (name, parameter) in model.namedParameters() {
            if withoutGrad.contains(name) {
                #expect(parameter.grad == nil, "\(name) is frozen")
                continue
            }
            let expected = try #require(golden.tensor(name), "\(name) in grads.safetensors")
            let grad = try #require(parameter.grad, "\(name) has a gradient")
            Self.expectClose(try grad.toDoubles(), try expected.toDoubles(), rtol: 1e-4, atol: 1e-6, name)
        }
    }

    @Test(arguments: folders, ["sgd_momentum", "adamw"])
    func tenOptimizerStepsFollowPyTorch(folder: String, optimizerName: String) throws {
        let model = try lenet(folder)
        let (x, y) = try batch()
        let trainable = model.parameters().filter(\.requiresGrad)
        let optimizer: Optimizer = optimizerName == "sgd_momentum"
            ? SGD(trainable, lr: 0.05, momentum: 0.9)
            : AdamW(trainable, lr: 1e-3, weightDecay: 0.01)
        let lossFunction = try CrossEntropyLoss()
        var losses: [Double] = []
        for _ in 0..<10 {
            try optimizer.zeroGrad()
            let loss = try lossFunction.loss(try model(x), y)
            losses.append(try loss.item())
            try loss.backward()
            try optimizer.step()
        }
        let expectedLosses = try #require((try info(folder)[optimizerName] as? [String: Any])?["losses"] as? [Double])
        Self.expectClose(losses, expectedLosses, rtol: 1e-4, atol: 1e-6, "\(optimizerName) losses")
        let weights = StateDict(checkpoint: try Checkpoint.open(try Goldens.url("training/\(folder)/weights_after_\(optimizerName).safetensors")))
        for (name, value) in try model.stateDict() {
            let expected = try #require(weights.tensor(name), "\(name)")
            Self.expectClose(try #require(value.tensor).toDoubles(), try expected.toDoubles(), rtol: 1e-3, atol: 1e-5, "\(optimizerName) \(name)")
        }
    }
}

/// GPT-2 tiny (`training/gpt2-tiny`, eval mode, labels = input_ids shifted inside the model): the loss, every
/// gradient (the tied `transformer.wte.weight` holding the sum of both uses) and five AdamW steps.
@Suite struct GPT2TrainingGoldenTests {
    func model() throws -> Module {
        let folder = "numeric/gpt2-tiny"
        let model = try #require(Zoo.model(named: "gpt2-tiny")).build(on: .cpu)
        let sd = StateDict(checkpoint: try Checkpoint.open(try Goldens.url("\(folder)/model.safetensors")))
        try model.loadStateDict(try sd.fillingTiedKeys(of: model))
        return model.eval()
    }

    /// transformers' causal-LM loss: logits[:, :-1] against input_ids[:, 1:], mean cross-entropy.
    func loss(_ model: Module, _ ids: Tensor) throws -> Tensor {
        guard case .dict(let output) = try model(.tensor(ids)), let logits = output["logits"]?.tensor else {
            throw TorchError.typeError("GPT2LMHeadModel returned no logits")
        }
        let length = ids.sizes[1], vocab = logits.sizes[2]
        let shifted = try logits.narrow(1, start: 0, length: length - 1).reshape([-1, vocab])
        let labels = try ids.narrow(1, start: 1, length: length - 1).reshape([-1]).contiguous()
        return try CrossEntropyLoss().loss(shifted, labels)
    }

    func inputIDs() throws -> Tensor {
        let sd = StateDict(checkpoint: try Checkpoint.open(try Goldens.url("numeric/gpt2-tiny/input.safetensors")))
        return try #require(sd.tensor("input_ids"))
    }

    var info: [String: Any] { get throws { try #require(try Goldens.json("training/gpt2-tiny/info.json") as? [String: Any]) } }

    @Test func lossAndGradientsMatchPyTorch() throws {
        let model = try model()
        let l = try loss(model, try inputIDs())
        #expect(abs(try l.item() - (try info["loss"] as? Double ?? .nan)) < 1e-4)
        try l.backward()
        let golden = StateDict(checkpoint: try Checkpoint.open(try Goldens.url("training/gpt2-tiny/grads.safetensors")))
        for (name, parameter) in model.namedParameters() {
            let expected = try #require(golden.tensor(name), "\(name) in grads.safetensors")
            let grad = try #require(parameter.grad, "\(name) has a gradient")
            TrainingGoldenTests.expectClose(try grad.toDoubles(), try expected.toDoubles(), rtol: 1e-4, atol: 1e-6, name)
        }
    }

    @Test func fiveAdamWStepsFollowPyTorch() throws {
        let model = try model()
        let ids = try inputIDs()
        let optimizer = AdamW(model.parameters(), lr: 1e-3, weightDecay: 0.01)
        var losses: [Double] = []
        for _ in 0..<5 {
            try optimizer.zeroGrad()
            let l = try loss(model, ids)
            losses.append(try l.item())
            try l.backward()
            try optimizer.step()
        }
        let expected = try #require((try info["adamw"] as? [String: Any])?["losses"] as? [Double])
        TrainingGoldenTests.expectClose(losses, expected, rtol: 1e-4, atol: 1e-5, "gpt2-tiny adamw losses")
    }
}
