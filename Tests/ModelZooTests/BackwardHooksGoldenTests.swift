import Checkpoints
import Foundation
import ModelView
import GoldenSupport
import ModelZoo
import NNModules
import Profiler
import Testing

/// `training/*/backward_hooks.jsonl`: a full backward hook on every `named_modules()` entry of LeNet-5 fires
/// in PyTorch's order (the root first, then the modules in reverse execution order; modules no gradient
/// reaches do not fire) with `grad_input`/`grad_output` whose statistics match PyTorch's — `None` where PyTorch
/// passes `None` (the first module's input, and a frozen prefix's boundary, since nothing before requires grad).
@Suite struct BackwardHooksGoldenTests {
    struct Call {
        let name: String
        let className: String
        let gradInput: [ActivationStats?]
        let gradOutput: [ActivationStats?]
    }

    func hookCalls(_ folder: String) throws -> (calls: [Call], warnings: [TorchWarning]) {
        let model = try TrainingGoldenTests().lenet(folder)
        let (x, y) = try TrainingGoldenTests().batch()
        var calls: [Call] = []
        let stats = { (grads: [Tensor?]) in grads.map { $0.map { ActivationStatistics.of($0, path: "") } } }
        for (name, module) in model.namedModules() {
            _ = try module.registerFullBackwardHook { m, gradInput, gradOutput in
                calls.append(Call(name: name, className: m.typeName, gradInput: stats(gradInput), gradOutput: stats(gradOutput)))
                return nil
            }
        }
        let loss = try CrossEntropyLoss().loss(try model(x), y)
        let ((), warnings) = try Warnings.capture { try loss.backward() }
        return (calls, warnings)
    }

    static func expectMatches(_ mine: ActivationStats?, _ golden: Any, _ label: String) {
        guard let golden = golden as? [String: Any] else {
            #expect(mine == nil, "\(label): PyTorch passes None")
            return
        }
        guard let mine else {
            Issue.record("\(label): nil where PyTorch passes a tensor")
            return
        }
        #expect(mine.shape == golden["shape"] as? [Int], "\(label) shape")
        #expect(mine.dtype == golden["dtype"] as? String, "\(label) dtype")
        #expect(mine.numel == golden["numel"] as? Int, "\(label) numel")
        #expect(mine.nanCount == golden["nan_count"] as? Int && mine.infCount == golden["inf_count"] as? Int, "\(label) NaN/Inf")
        for (key, value) in [("mean", mine.mean), ("std", mine.std), ("min", mine.min), ("max", mine.max), ("zero_fraction", mine.zeroFraction)] {
            let expected = golden[key] as? Double ?? .nan
            #expect(abs(value - expected) <= 1e-6 + 1e-4 * abs(expected), "\(label) \(key): \(value) vs PyTorch \(expected)")
        }
    }

    @Test(arguments: TrainingGoldenTests.folders)
    func fullBackwardHooksFireInPyTorchsOrderWithItsGradients(folder: String) throws {
        let golden = try Goldens.jsonLines("training/\(folder)/backward_hooks.jsonl")
        let (calls, warnings) = try hookCalls(folder)
        #expect(calls.map(\.name) == golden.map { $0["name"] as? String ?? "?" })
        #expect(calls.map(\.className) == golden.map { $0["class"] as? String ?? "?" })
        for (call, expected) in zip(calls, golden) {
            let inputs = expected["grad_input"] as? [Any] ?? []
            let outputs = expected["grad_output"] as? [Any] ?? []
            #expect(call.gradInput.count == inputs.count && call.gradOutput.count == outputs.count, "\(call.name) arity")
            for (mine, theirs) in zip(call.gradInput, inputs) { Self.expectMatches(mine, theirs, "\(call.name) grad_input") }
            for (mine, theirs) in zip(call.gradOutput, outputs) { Self.expectMatches(mine, theirs, "\(call.name) grad_output") }
        }
        // The root and the first module reached see no input that requires grad: PyTorch warns once each.
        #expect(warnings.contains { $0.message.hasPrefix("Full backward hook is firing when gradients are computed with respect to module outputs") })
    }
}
