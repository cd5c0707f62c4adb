import ExportedModels
import GoldenSupport
import NNModules
import Testing

/// TorchScript archives as structure: `data.pkl`'s classes without the compiler's mangling, tensors from `data/`.
@Suite struct TorchScriptModelTests {
    @Test func treeMatchesNamedModules() throws {
        let model = try TorchScriptModel.load(contentsOf: try Goldens.url("export/custom_cnn/torchscript.pt"))
        try ModuleRowsGolden.expectMatches(model, golden: "export/custom_cnn/modules.jsonl") { _ in true }
        let conv = try #require(try model.getSubmodule("blocks.0.conv") as? RecordedModule)
        #expect(conv.qualifiedClassName == "torch.nn.modules.conv.Conv2d")
    }

    @Test func nothingRuns() throws {
        let model = try TorchScriptModel.load(contentsOf: try Goldens.url("export/custom_cnn/torchscript.pt"))
        #expect(throws: ExportedModelError.self) { try model.call([.tensor(Tensor.zeros([2, 3, 32, 32]))]) }
    }
}
