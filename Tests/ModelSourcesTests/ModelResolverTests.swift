import Checkpoints
import Foundation
import GoldenSupport
import ModelZoo
import NNModules
import Testing
@testable import ModelSources

/// The loaders behind every command's `MODEL` argument, in process: golden folders and files load strictly
/// and reproduce the recorded outputs; transformers' key conventions, lazy browsing and the generic tree.
@Suite struct ModelResolverTests {
    static func load(_ relativePath: String, loading: WeightLoading = .automatic) throws -> LoadedModel {
        try ModelResolver.load(try Goldens.url(relativePath).path, loading: loading)
    }

    /// Runs `model` on the golden folder's input and compares every output with `output.safetensors`
    /// (rtol 1e-4, atol 1e-5).
    static func expectGoldenOutputs(_ model: Module, folder: String) throws {
        let inputs = try Goldens.tensors("numeric/\(folder)/input.safetensors")
        let input = try #require(inputs["input_ids"] ?? inputs["input"])
        let dtype: DType = input.dtype == .i64 ? .int64 : .float32
        let output = try model.eval().call([.tensor(Tensor(input.elementValues(), shape: input.shape, dtype: dtype))])
        let produced = Dictionary(output.flattenedTensors().map { ($0.path, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        for (field, golden) in try Goldens.tensors("numeric/\(folder)/output.safetensors") {
            let mine = try #require(produced[field] ?? (produced.count == 1 ? produced.values.first : nil), "\(folder) \(field)")
            #expect(mine.sizes == golden.shape, "\(folder) \(field) shape")
            let worst = zip(try mine.toDoubles(), golden.elementValues()).map { Swift.abs($0 - $1) - 1e-4 * Swift.abs($1) }.max() ?? 0
            #expect(worst <= 1e-5, "\(folder) \(field): largest excess over rtol 1e-4 is \(worst)")
        }
    }

    @Test(arguments: ["gpt2-tiny", "bert-tiny", "llama-tiny"])
    func huggingFaceFoldersGiveTheGoldenOutputs(name: String) throws {
        let loaded = try Self.load("numeric/\(name)")
        #expect(loaded.source.hasPrefix("hf:"))
        #expect(loaded.notes.isEmpty)
        try Self.expectGoldenOutputs(loaded.module, folder: name)
    }

    @Test(arguments: ["numeric/seed_mlp/weights.safetensors", "checkpoints/seed_mlp_state_dict.pt",
                      "checkpoints/seed_mlp_state_dict_legacy.pt"])
    func seedMLPCheckpointsGiveTheGoldenOutput(path: String) throws {
        let loaded = try Self.load(path)
        #expect(loaded.name == "seed_mlp")
        try Self.expectGoldenOutputs(loaded.module, folder: "seed_mlp")
    }

    @Test func tiedHeadIsTheEmbeddingWhenAbsentFromTheFile() throws {
        let model = try #require(try Self.load("numeric/gpt2-tiny").module as? GPT2LMHeadModel)
        #expect(try model.getParameter("lm_head.weight") === model.getParameter("transformer.wte.weight"))
    }

    /// A folder holding `config.json` and `tensors` as `model.safetensors`, removed after `body`.
    static func withFolder<R>(config: String, tensors: [String: SafetensorsWriter.Tensor], _ body: (URL) throws -> R) throws -> R {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-hf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Goldens.data(config).write(to: folder.appendingPathComponent("config.json"))
        try SafetensorsWriter.save(tensors: tensors, to: folder.appendingPathComponent("model.safetensors"))
        return try body(folder)
    }

    /// The golden folder's weights, renamed by `rename` (nil drops a key), plus `extra` keys.
    static func weights(_ name: String, rename: (String) -> String?, extra: [String] = []) throws -> [String: SafetensorsWriter.Tensor] {
        var result: [String: SafetensorsWriter.Tensor] = [:]
        for (key, record) in try Goldens.tensors("numeric/\(name)/model.safetensors") {
            if let renamed = rename(key) { result[renamed] = SafetensorsWriter.Tensor(record) }
        }
        for key in extra { result[key] = SafetensorsWriter.Tensor(dtype: .f32, shape: [1], bytes: Data(count: 4)) }
        return result
    }

    @Test func baseModelCheckpointLoadsUnderTheModelPrefix() throws {
        let stripped = try Self.weights("gpt2-tiny", rename: { String($0.dropFirst("transformer.".count)) },
                                        extra: ["h.0.attn.bias", "h.1.attn.masked_bias"])
        try Self.withFolder(config: "numeric/gpt2-tiny/config.json", tensors: stripped) { folder in
            let loaded = try ModelResolver.load(folder.path)
            #expect(loaded.notes.contains { $0.contains("loaded under 'transformer.'") })
            #expect(loaded.notes.contains { $0.contains("2 checkpoint key(s) left unused") })
            try Self.expectGoldenOutputs(loaded.module, folder: "gpt2-tiny")
        }
    }

    @Test func headCheckpointLoadsIntoTheBaseModel() throws {
        let prefixed = try Self.weights("bert-tiny", rename: { "bert." + $0 }, extra: ["cls.predictions.bias"])
        try Self.withFolder(config: "numeric/bert-tiny/config.json", tensors: prefixed) { folder in
            let loaded = try ModelResolver.load(folder.path)
            #expect(loaded.notes.contains { $0.contains("1 checkpoint key(s) left unused (cls.predictions.bias)") })
            try Self.expectGoldenOutputs(loaded.module, folder: "bert-tiny")
        }
    }

    @Test func missingWeightsFailWithPyTorchsMessage() throws {
        let noHead = try Self.weights("llama-tiny", rename: { $0 == "lm_head.weight" ? nil : $0 })
        try Self.withFolder(config: "numeric/llama-tiny/config.json", tensors: noHead) { folder in
            let error = #expect(throws: (any Error).self) { try ModelResolver.load(folder.path) }
            #expect(error.map { "\($0)" }?.contains("Missing key(s) in state_dict: \"lm_head.weight\"") == true)
        }
    }

    @Test func unknownModelTypeFallsBackToTheStateDictTree() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-t5-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(#"{"model_type": "t5"}"#.utf8).write(to: folder.appendingPathComponent("config.json"))
        try SafetensorsWriter.save(tensors: try Self.weights("bert-tiny", rename: { $0 }), to: folder.appendingPathComponent("model.safetensors"))
        let loaded = try ModelResolver.load(folder.path)
        #expect(loaded.module is StateDictModule)
        #expect(loaded.notes.first?.contains("model_type 't5'") == true)
    }

    @Test func lazyWeightsBuildOnMetaFromTheHeaders() throws {
        let loaded = try Self.load("numeric/gpt2-tiny", loading: .lazy)
        let model = try #require(loaded.module as? GPT2LMHeadModel)
        #expect(model.parameters().allSatisfy { $0.isMeta })
        #expect(model.parameters().map(\.count).reduce(0, +) == 172_288)
        #expect(try model.getParameter("lm_head.weight") === model.getParameter("transformer.wte.weight"))
        #expect(loaded.notes.contains { $0.hasPrefix("weights not read") })
        #expect(WeightLoading.automatic.isLazy(checkpointBytes: 3 << 30))
        #expect(!WeightLoading.automatic.isLazy(checkpointBytes: 1 << 30))
    }

    @Test func unrecognisedStateDictBecomesATreeOfItsKeys() throws {
        let loaded = try Self.load("checkpoints/tied_state_dict.pt")
        let root = try #require(loaded.module as? StateDictModule)
        #expect(loaded.sampleInput == nil)
        #expect(loaded.notes.first?.contains("module classes are unknown") == true)
        #expect(root.namedModules().map(\.name) == ["", "embed", "lm_head"])
        // embed.weight and lm_head.weight are one tensor in the file: one parameter, counted once.
        #expect(try root.getParameter("lm_head.weight") === root.getParameter("embed.weight"))
        #expect(root.parameters().count == 4)
        let error = #expect(throws: (any Error).self) { try root.call([]) }
        #expect(error.map { "\($0)" }?.contains("architecture is unknown") == true)
    }

    @Test func stateDictTreeKeepsBuffersAndRefusesContradictoryKeys() throws {
        let tree = try StateDictTree.build([("bn.running_mean", Tensor.zeros([3])), ("bn.num_batches_tracked", Tensor.zeros([], dtype: .int64))], file: "f")
        let bn = try #require(tree._modules["bn"] ?? nil)
        #expect(bn._parameters.keys.elementsEqual(["running_mean"]))
        #expect(bn._buffers.keys.elementsEqual(["num_batches_tracked"]))
        #expect(throws: ModelLoadError.self) { try StateDictTree.build([("a", Tensor.zeros([1])), ("a.b", Tensor.zeros([1]))], file: "f") }
        #expect(throws: ModelLoadError.self) { try StateDictTree.build([("a..b", Tensor.zeros([1]))], file: "f") }
    }
}
