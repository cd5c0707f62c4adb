import Checkpoints
import Foundation
import GoldenSupport
import NNModules
import Testing

/// Checkpoint records become tensors that share memory the way `torch.load` shares it.
@Suite struct CheckpointTensorsTests {
    @Test func tiedAndViewTensorsShareOneStorage() throws {
        let checkpoint = try Checkpoint.open(try Goldens.url("checkpoints/tied_state_dict.pt"))
        let sd = StateDict(checkpoint: checkpoint)
        let embed = try #require(sd.tensor("embed.weight")), head = try #require(sd.tensor("lm_head.weight"))
        let row = try #require(sd.tensor("row1_view")), col = try #require(sd.tensor("col_view"))
        #expect(embed.storage === head.storage && embed.storage === row.storage && embed.storage === col.storage)
        #expect(embed.dataPointer == head.dataPointer)
        #expect(row.storageOffset == 4)
        #expect(col.strides == [4] && col.storageOffset == 2)
        #expect(try row.toDoubles() == (try embed.select(0, 1).toDoubles()))
    }

    @Test(arguments: ["seed_mlp_state_dict.pt", "seed_mlp_state_dict_legacy.pt", "seed_mlp_fp16.pt", "seed_mlp_bf16.pt"])
    func torchFilesLoadIntoTheSeedMLP(file: String) throws {
        let checkpoint = try Checkpoint.open(try Goldens.url("checkpoints/\(file)"))
        let reference = StateDict(checkpoint: try Checkpoint.open(try Goldens.url("numeric/seed_mlp/weights.safetensors")))
        let model = Sequential(Linear(2, 2), ReLU(), Linear(2, 2))
        let result = try model.loadStateDict(StateDict(checkpoint: checkpoint))
        #expect(result.description == "<All keys matched successfully>")
        let tolerance = file.contains("16") ? 1e-2 : 0
        for (key, value) in try model.stateDict() {
            let mine = try #require(value.tensor).toDoubles()
            let expected = try #require(reference.tensor(key)).toDoubles()
            for (a, b) in zip(mine, expected) { #expect(abs(a - b) <= tolerance * max(1, abs(b)), "\(file) \(key)") }
        }
    }

    @Test func loadedValuesAreWritableWithoutTouchingTheFile() throws {
        let url = try Goldens.url("numeric/seed_mlp/weights.safetensors")
        let before = try Data(contentsOf: url)
        let sd = StateDict(checkpoint: try Checkpoint.open(url))
        let model = Sequential(Linear(2, 2), ReLU(), Linear(2, 2))
        try model.loadStateDict(sd, assign: true)
        try model.parameters()[0].fill_(7)
        #expect(try Data(contentsOf: url) == before)
    }
}
