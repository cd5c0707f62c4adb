import Checkpoints
import Foundation
import GoldenSupport
import ModelZoo
import NNModules
import Testing
import ModelSources
@testable import nntop

/// The goldens' Hugging Face folders (`hf/<name>/`, written by `save_pretrained`) open as the class their
/// `config.json` names, with transformers' `named_modules()`, and `model(input_ids=..., attention_mask=...)`
/// on a padded batch equals transformers' output at every position, padded ones included.
@Suite struct HFGoldenFolderTests {
    static let folders = ["qwen2-tiny", "mistral-tiny", "roberta-tiny", "distilbert-tiny"]

    /// Output `field` of a transformers-style result.
    static func field(_ value: Value, _ field: String) throws -> Tensor {
        try #require(value.flattenedTensors().first { $0.path == field }?.tensor, "no output field \(field)")
    }

    static func tensor(_ record: TensorRecord) throws -> Tensor {
        Tensor(try record.elementValues(), shape: record.shape, dtype: record.dtype == .i64 ? .int64 : .float32)
    }

    @Test(arguments: folders)
    func opensWithTransformersModules(name: String) throws {
        let loaded = try ModelResolver.load(try Goldens.url("hf/\(name)").path)
        #expect(loaded.notes.isEmpty, "\(loaded.notes)")
        try Self.expectModules(loaded.module, equal: name)
    }

    /// The zoo's model of the same name is built with the same classes and shapes.
    @Test(arguments: folders)
    func zooModelHasTransformersModules(name: String) throws {
        try Self.expectModules(try #require(Zoo.model(named: name)).build(), equal: name)
    }

    /// Name, class, own parameter count, own buffers and children of every `named_modules()` row.
    static func expectModules(_ model: Module, equal name: String) throws {
        let golden = try Goldens.jsonLines("hf/\(name)/modules.jsonl")
        let rows = try StructureGolden.rows(of: model)
        #expect(rows.count == golden.count)
        for (mine, row) in zip(rows, golden) {
            let name = mine["name"] as? String ?? "?"
            #expect(name == row["name"] as? String)
            #expect(mine["class"] as? String == row["class"] as? String, "\(name)")
            #expect(mine["own_param_numel"] as? Int == row["own_param_numel"] as? Int, "\(name)")
            #expect(mine["own_buffer_count"] as? Int == row["own_buffer_count"] as? Int, "\(name)")
            #expect(mine["children"] as? [String] == row["children"] as? [String], "\(name)")
        }
    }

    @Test(arguments: folders)
    func paddedBatchEqualsTransformers(name: String) throws {
        let loaded = try ModelResolver.load(try Goldens.url("hf/\(name)").path)
        let inputs = try Goldens.tensors("hf/\(name)/input.safetensors")
        let kwargs: Kwargs = [
            "input_ids": .tensor(try Self.tensor(try #require(inputs["input_ids"]))),
            "attention_mask": .tensor(try Self.tensor(try #require(inputs["attention_mask"]))),
        ]
        let output = try GradMode.noGrad { try loaded.module.eval().call([], kwargs: kwargs) }
        let produced = Dictionary(output.flattenedTensors().map { ($0.path, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        for (field, golden) in try Goldens.tensors("hf/\(name)/output.safetensors") {
            let mine = try #require(produced[field], "\(name) \(field)")
            #expect(mine.sizes == golden.shape)
            let pairs = zip(try mine.toDoubles(), try golden.elementValues())
            let excess = pairs.map { Swift.abs($0 - $1) - 1e-4 * Swift.abs($1) }.max() ?? 0
            let worst = pairs.map { Swift.abs($0 - $1) }.max() ?? 0
            print("hf/\(name) \(field): max abs error \(worst)")
            #expect(excess <= 1e-4, "\(name) \(field): largest excess over rtol 1e-4 is \(excess)")
        }
    }

    /// A padded row equals the same tokens run alone at its real positions (what transformers' masks give):
    /// the mask reaches every attention layer and hides the padded keys, in causal and bidirectional models.
    @Test(arguments: ["gpt2-tiny", "bert-tiny", "llama-tiny", "distilbert-tiny"])
    func paddedRowsEqualTheUnpaddedSequence(name: String) throws {
        let model = try #require(Zoo.model(named: name)).build().eval()
        let ids = (0..<20).map { Double(($0 * 37 + 11) % 320) }
        let batch = Tensor(ids + ids.reversed(), shape: [2, 20], dtype: .int64)
        let mask = Tensor([Double](repeating: 1, count: 14) + [Double](repeating: 0, count: 6) + [Double](repeating: 1, count: 20),
                          shape: [2, 20], dtype: .int64)
        let field = name.contains("bert") ? "last_hidden_state" : "logits"
        let padded = try GradMode.noGrad {
            try Self.field(try model.call([], kwargs: ["input_ids": .tensor(batch), "attention_mask": .tensor(mask)]), field)
        }
        let alone = try GradMode.noGrad {
            try Self.field(try model.call([.tensor(Tensor(Array(ids.prefix(14)), shape: [1, 14], dtype: .int64))]), field)
        }
        let real = try padded.select(0, 0).narrow(0, start: 0, length: 14).toDoubles()
        let expected = try alone.select(0, 0).toDoubles()
        #expect(zip(real, expected).map { Swift.abs($0 - $1) }.max() ?? 1 < 1e-5)
        let unmasked = try GradMode.noGrad { try Self.field(try model.call([.tensor(batch)]), field) }
        #expect(try unmasked.select(0, 1).toDoubles() == padded.select(0, 1).toDoubles())
    }

    /// A sharded folder with a shard missing names the index, the missing file and its tensors, and still
    /// shows the tree of the shards that are there.
    @Test func missingShardIsNamedAndThePresentTensorsOpen() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-shards-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let golden = try Goldens.url("hf/qwen2-tiny")
        try FileManager.default.copyItem(at: golden.appendingPathComponent("config.json"), to: folder.appendingPathComponent("config.json"))
        try FileManager.default.copyItem(at: golden.appendingPathComponent("model.safetensors"),
                                         to: folder.appendingPathComponent("model-00001-of-00002.safetensors"))
        var weightMap: [String: String] = [:]
        for key in try Goldens.tensors("hf/qwen2-tiny/model.safetensors").keys { weightMap[key] = "model-00001-of-00002.safetensors" }
        weightMap["lm_head.extra"] = "model-00002-of-00002.safetensors"
        let index = folder.appendingPathComponent("model.safetensors.index.json")
        try JSONSerialization.data(withJSONObject: ["metadata": [:], "weight_map": weightMap]).write(to: index)
        let loaded = try ModelResolver.load(folder.path)
        #expect(loaded.sampleInput == nil)
        let note = try #require(loaded.notes.first)
        #expect(note.contains(index.path) && note.contains("lists model-00002-of-00002.safetensors, which is missing") && note.contains("lm_head.extra"))
        let total = try #require(try Goldens.jsonLines("hf/qwen2-tiny/modules.jsonl").first?["recursive_param_numel"] as? Int)
        #expect(loaded.module.parameters().reduce(0) { $0 + $1.count } == total)
    }

    /// sentence-transformers' BERT folders keep the `embeddings.position_ids` buffer; transformers drops keys
    /// that name a buffer of the model, and so does nntop, without a note for a buffer it recomputes.
    @Test func bertFolderWithPositionIdsOpens() throws {
        let model = try #require(Zoo.model(named: "bert-tiny")).build()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-bert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var tensors: [String: SafetensorsWriter.Tensor] = [:]
        for (key, value) in try model.stateDict() {
            let floats = try #require(value.tensor).toDoubles().map(Float.init)
            tensors[key] = SafetensorsWriter.Tensor(dtype: .f32, shape: try #require(value.tensor).sizes,
                                                    bytes: floats.withUnsafeBufferPointer { Data(buffer: $0) })
        }
        let positions = (0..<128).map(Int64.init)
        tensors["embeddings.position_ids"] = SafetensorsWriter.Tensor(dtype: .i64, shape: [1, 128],
                                                                      bytes: positions.withUnsafeBufferPointer { Data(buffer: $0) })
        try SafetensorsWriter.save(tensors: tensors, to: folder.appendingPathComponent("model.safetensors"))
        let config: [String: Any] = ["model_type": "bert", "vocab_size": 1000, "hidden_size": 64, "num_hidden_layers": 2,
                                     "num_attention_heads": 2, "intermediate_size": 128, "max_position_embeddings": 128]
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        let loaded = try ModelResolver.load(folder.path)
        #expect(loaded.module.typeName == "BertModel")
        #expect(loaded.notes.allSatisfy { $0.contains("embeddings.position_ids") })
    }
}
