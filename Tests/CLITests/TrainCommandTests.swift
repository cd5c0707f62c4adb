import Foundation
import GoldenSupport
import Testing

/// `nntop train` runs real training steps: the loss falls, frozen modules get no gradient.
@Suite struct TrainCommandTests {
    func run(_ arguments: [String]) throws -> (NNTopBinary.Output, [[String: Any]]) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-train-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let out = try NNTopBinary.run(["train"] + arguments + ["--json", file])
        let data = (try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data()
        let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        return (out, root?["steps"] as? [[String: Any]] ?? [])
    }

    @Test func lenetLossFallsOverTwentySteps() throws {
        let (out, steps) = try run(["lenet5", "--steps", "20", "--lr", "0.1"])
        #expect(out.status == 0, "\(out.stderr)")
        let losses = steps.compactMap { $0["loss"] as? Double }
        #expect(losses.count == 20)
        #expect((losses.last ?? .infinity) < (losses.first ?? 0) - 0.05, "losses \(losses)")
    }

    @Test func frozenModulesGetNoGradient() throws {
        let (out, steps) = try run(["lenet5", "--steps", "2", "--freeze", "0", "3"])
        #expect(out.status == 0)
        let names = (steps.first?["modules"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(!names.contains("0") && !names.contains("3"))
        #expect(names.contains("7") && names.contains("11"))
    }

    @Test func gpt2TinyLearnsASyntheticTokenStream() throws {
        let (out, steps) = try run(["gpt2-tiny", "--steps", "6", "--optimizer", "adamw", "--lr", "0.003", "--batch", "4"])
        #expect(out.status == 0, "\(out.stderr)")
        let losses = steps.compactMap { $0["loss"] as? Double }
        #expect((losses.last ?? .infinity) < (losses.first ?? 0) - 0.5, "losses \(losses)")
    }

    @Test func llamaTinyTrainsThroughRMSNormAndRotaryConcatenation() throws {
        let (out, steps) = try run(["llama-tiny", "--steps", "3", "--optimizer", "adamw", "--lr", "0.003", "--batch", "2"])
        #expect(out.status == 0, "\(out.stderr)")
        let losses = steps.compactMap { $0["loss"] as? Double }
        #expect((losses.last ?? .infinity) < (losses.first ?? 0), "losses \(losses)")
    }

    @Test func anEncoderWithoutLogitsIsAClearError() throws {
        let out = try NNTopBinary.run(["train", "bert-tiny", "--steps", "1"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("needs `logits`"))
    }
}
