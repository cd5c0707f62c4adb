import Foundation
import GoldenSupport
import Testing
import ModelSources
import ModelView

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

        let session = try Session.decode(Data(contentsOf: URL(fileURLWithPath: file)))
        let snapshot = try #require(session.snapshot)
        #expect(snapshot.runner.trainStep)
        let conv = try #require(snapshot.module(named: "0"))
        #expect(conv.backward?.passes == 3)
        #expect((conv.gradient?.norm ?? 0) > 0)
        #expect(snapshot.module(named: "6")?.gradient == nil, "Flatten owns no parameter")

        let reopened = try SessionSource(path: file)
        let shown = try #require(reopened.latestSnapshot()?.snapshot)
        #expect(shown.runner.trainStep && shown.runner.state == .recorded)
        #expect(shown.module(named: "0")?.backward != nil && shown.module(named: "0")?.gradient != nil)
    }

    /// An exported program trains too (its graph has derivatives for every op on the path): its two-headed
    /// output trains on the first head, at the batch size it was traced for.
    @Test func anExportedProgramRunsTrainingSteps() throws {
        let out = try NNTopBinary.run(["profile", try Goldens.url("export/custom_cnn/model.pt2").path, "--train-step", "--runs", "2"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("backward: 2 passes"), "\(out.stdout)")
        #expect(out.stdout.contains("ConvolutionBackward0"))
    }

    @Test func aModelWithoutATrainingTaskIsAClearError() throws {
        let out = try NNTopBinary.run(["profile", "bert-tiny", "--train-step", "--runs", "1"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("logits"), "\(out.stderr)")
    }
}
