import ExportedModels
import GoldenSupport
import NNModules
import Testing

/// Each `.pt2` golden opens as the tree PyTorch's `named_modules()` had: names, classes where a node
/// records them, parameters and buffers with shapes, dtypes and trainable flags, tied weights once.
@Suite struct ExportedProgramStructureTests {
    static let cases = ["custom_cnn", "custom_cnn_core", "tiny_lm", "gpt2_tiny"]

    @Test(arguments: cases)
    func treeMatchesNamedModules(name: String) throws {
        let model = try ExportedProgramModule(contentsOf: try Goldens.url("export/\(name)/model.pt2"))
        try ModuleRowsGolden.expectMatches(model, golden: "export/\(name)/modules.jsonl") { module in
            module === model ? model.qualifiedClassName != nil : (module as? RecordedModule)?.qualifiedClassName != nil
        }
    }

    @Test func userClassesAndContainersThatAreNeverCalled() throws {
        let model = try ExportedProgramModule(contentsOf: try Goldens.url("export/custom_cnn/model.pt2"))
        #expect(model.typeName == "CustomCNN")
        #expect(try model.getSubmodule("blocks.0").typeName == "Block")
        // A ModuleList is never called, so the archive has its name but not its class.
        let blocks = try #require(try model.getSubmodule("blocks") as? RecordedModule)
        #expect(blocks.qualifiedClassName == nil)
        #expect(model.inputNames == ["x"])
        #expect(model.outputNames == ["0", "1"])
    }

    @Test func tiedWeightsAreOneParameter() throws {
        let model = try ExportedProgramModule(contentsOf: try Goldens.url("export/tiny_lm/model.pt2"))
        let embedding = try model.getParameter("tok.weight"), head = try model.getParameter("head.weight")
        #expect(embedding === head)
        #expect(model.parameters().count == model.namedParameters().count)
    }
}
