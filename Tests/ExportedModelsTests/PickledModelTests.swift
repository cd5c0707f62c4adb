import Checkpoints
import ExportedModels
import GoldenSupport
import NNModules
import Testing

/// Whole-model pickles: the tree from the recorded objects, real modules where every class is torch.nn's.
@Suite struct PickledModelTests {
    @Test func customModelTreeMatchesNamedModules() throws {
        let model = try PickledModel.load(contentsOf: try Goldens.url("export/custom_cnn/full_model.pt"))
        try ModuleRowsGolden.expectMatches(model, golden: "export/custom_cnn/modules.jsonl") { _ in true }
        #expect(PickledModel.customClasses(of: model) == ["__main__.CustomCNN", "__main__.Block"])
        // torch.nn classes nntop has are real modules even under a custom root.
        #expect(try model.getSubmodule("stem") is Conv2d)
        #expect(try model.getSubmodule("blocks") is ModuleList)
    }

    @Test func aCustomClassIsShownNotRun() throws {
        let model = try PickledModel.load(contentsOf: try Goldens.url("export/custom_cnn/full_model.pt"))
        do {
            _ = try model.call([.tensor(Tensor.zeros([2, 3, 32, 32]))])
            Issue.record("a custom class ran")
        } catch {
            #expect("\(error)" == "__main__.CustomCNN cannot run: it is a custom class whose forward is Python code, which nntop never runs")
        }
    }

    /// The recorded torch.nn classes rebuilt from their attributes compute what PyTorch computed.
    @Test func aModelOfTorchNNClassesRuns() throws {
        let model = try PickledModel.load(contentsOf: try Goldens.url("checkpoints/seed_mlp_full_model.pt"))
        #expect(model is Sequential)
        #expect(PickledModel.customClasses(of: model).isEmpty)
        let input = try #require(try ExportedProgramForwardTests.tensors("numeric/seed_mlp/input.safetensors").values.first)
        let expected = try #require(try ExportedProgramForwardTests.tensors("numeric/seed_mlp/output.safetensors")["output"])
        let output = try model(input)
        #expect(output.sizes == expected.sizes)
        let worst = zip(try output.toDoubles(), try expected.toDoubles()).map { abs($0 - $1) - 1e-4 * abs($1) }.max() ?? 0
        #expect(worst <= 1e-4)
    }

    @Test(arguments: ["malicious_os_system.pt": "os.system", "malicious_raw_pickle.pkl": "os.system"])
    func otherGlobalsAreStillRefusedByName(file: String, global: String) throws {
        do {
            _ = try PickledModel.load(contentsOf: try Goldens.url("checkpoints/\(file)"))
            Issue.record("\(file) was loaded")
        } catch let error as CheckpointError {
            #expect(error.kind == .unsupportedGlobal(global))
            #expect(error.message.contains("unsupported global: \(global)"))
        }
    }

    @Test(arguments: ["malicious_stack_global_eval.pt", "malicious_short_binunicode_eval.pt"])
    func protocol4PicklesAreStillRefused(file: String) throws {
        #expect(throws: CheckpointError.self) { try PickledModel.load(contentsOf: try Goldens.url("checkpoints/\(file)")) }
    }
}
