import Foundation
import GoldenSupport
import Testing

/// Whole models saved by PyTorch open in every command: `.pt2` archives run (inputs by the forward's argument
/// names, outputs by the eager model's names), pickles and TorchScript archives show their trees.
@Suite struct SavedModelCommandTests {
    @Test func summaryOfAnExportedArchiveRunsItsSampleInput() throws {
        let out = try NNTopBinary.run(["summary", try Goldens.url("export/custom_cnn/model.pt2").path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("CustomCNN"))
        #expect(out.stdout.contains("GroupNorm: 3-2                   [2, 16, 16, 16]"))
        #expect(out.stdout.contains("Total params: 5,373"))
    }

    @Test func runNamesInputsAndOutputsLikePyTorch() throws {
        let out = try NNTopBinary.run(["run", try Goldens.url("export/gpt2_tiny/model.pt2").path,
                                       "--input", try Goldens.url("export/gpt2_tiny/input.safetensors").path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout == "logits [1, 16, 1000] float32\n")
    }

    @Test(arguments: ["export/custom_cnn/full_model.pt", "export/custom_cnn/torchscript.pt"])
    func picklesAndTorchScriptShowTheUsersClasses(file: String) throws {
        let out = try NNTopBinary.run(["summary", try Goldens.url(file).path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("CustomCNN"))
        #expect(out.stdout.contains("Block: 2-1"))
        #expect(out.stdout.contains("ModuleDict: 1-4"))
    }
}
