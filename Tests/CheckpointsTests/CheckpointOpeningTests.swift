import Foundation
import GoldenSupport
import Testing
@testable import Checkpoints

@Suite struct CheckpointOpeningTests {
    @Test func modelFolderOpensItsSafetensors() throws {
        let folder = try Goldens.url("numeric/gpt2-tiny")
        let checkpoint = try Checkpoint.open(folder)
        #expect(checkpoint.format == .safetensors)
        #expect(checkpoint.url.lastPathComponent == "model.safetensors")
        #expect(checkpoint.record(named: "transformer.wte.weight")?.shape == [1000, 64])
        let listed = try Checkpoint.listTensors(folder)
        #expect(listed.map(\.name) == checkpoint.records.map(\.name))
        #expect(listed.map(\.shape) == checkpoint.records.map(\.shape))
    }

    @Test func torchFilesOpenByContent() throws {
        let zip = try Checkpoint.open(try Goldens.url("checkpoints/seed_mlp_state_dict.pt"))
        let legacy = try Checkpoint.open(try Goldens.url("checkpoints/seed_mlp_state_dict_legacy.pt"))
        #expect(zip.format == .torchZip)
        #expect(legacy.format == .torchLegacy)
        #expect(zip.records.map(\.name) == legacy.records.map(\.name))
        #expect(zip.records.map { $0.elementValues() } == legacy.records.map { $0.elementValues() })
        #expect(try Checkpoint.listTensors(try Goldens.url("checkpoints/seed_mlp_fp16.pt")).map(\.dtypeName) == ["F16", "F16", "F16", "F16"])
    }

    /// Splits llama-tiny into two shards plus an index and reads them back as one checkpoint.
    @Test func shardedFolderIsOneCheckpoint() throws {
        let original = try SafetensorsFile(contentsOf: try Goldens.url("numeric/llama-tiny/model.safetensors"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-shards-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let names = original.records.map(\.name).sorted()
        let half = names.count / 2
        var weightMap: [String: String] = [:]
        for (shard, part) in [names[..<half], names[half...]].enumerated() {
            let file = "model-0000\(shard + 1)-of-00002.safetensors"
            var tensors: [String: SafetensorsWriter.Tensor] = [:]
            for name in part {
                tensors[name] = SafetensorsWriter.Tensor(try #require(original.records.first { $0.name == name }))
                weightMap[name] = file
            }
            try SafetensorsWriter.save(tensors: tensors, metadata: ["format": "pt"], to: folder.appendingPathComponent(file))
        }
        let index = try JSONSerialization.data(withJSONObject: ["metadata": ["total_size": 0], "weight_map": weightMap], options: [.sortedKeys])
        try index.write(to: folder.appendingPathComponent("model.safetensors.index.json"))

        let sharded = try Checkpoint.open(folder)
        #expect(sharded.format == .shardedSafetensors)
        #expect(sharded.records.map(\.name) == names)
        for record in sharded.records {
            let reference = try #require(original.records.first { $0.name == record.name })
            #expect(record.withContiguousBytes { Array($0) } == reference.withContiguousBytes { Array($0) })
        }
        let listed = try Checkpoint.listTensors(folder)
        #expect(listed.map(\.name) == names)
        #expect(Set(listed.map(\.file.lastPathComponent)).count == 2)
    }

    @Test func shardNamesMustStayInTheFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-index-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let index = folder.appendingPathComponent("model.safetensors.index.json")
        try Data(#"{"weight_map": {"w": "../../etc/passwd"}}"#.utf8).write(to: index)
        let error = #expect(throws: CheckpointError.self) { try Checkpoint.open(folder) }
        #expect(error?.kind == .malformedArchive)
        #expect(error?.file == index.path)
    }
}
