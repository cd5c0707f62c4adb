import Foundation
import GoldenSupport
import Testing
@testable import nntop

/// `nntop profile MODEL --train-step`: real training steps with per-module backward time and gradient
/// statistics, in the table and in the JSON, which reopens as a session with its backward columns.
@Suite struct TrainStepProfileTests {
    @Test func profilesBackwardPerModuleAndReopensAsASession() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-step-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let out = try NNTopBinary.run(["profile", "lenet5", "--train-step", "--runs", "3", "--json", file])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("backward: 3 passes"))
        #expect(out.stdout.contains("ConvolutionBackward0"))

        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
        #expect(root["backward_passes"] as? Int == 3)
        let modules = try #require(root["modules"] as? [[String: Any]])
        let conv = try #require(modules.first { $0["name"] as? String == "0" })
        #expect(conv["backward_calls"] as? Int == 3)
        #expect(((conv["gradient"] as? [String: Any])?["grad_norm"] as? Double ?? 0) > 0)
        #expect(modules.first { $0["name"] as? String == "6" }?["gradient"] == nil, "Flatten owns no parameter")

        let session = try SessionFile.load(file)
        #expect(session.snapshot.trainStep != nil)
        #expect(session.snapshot.rows[1]?.backward != nil && session.snapshot.rows[1]?.gradient != nil)
    }

    @Test func aModelWithoutATrainingTaskIsAClearError() throws {
        let out = try NNTopBinary.run(["profile", "bert-tiny", "--train-step", "--runs", "1"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("logits"), "\(out.stderr)")
    }
}
