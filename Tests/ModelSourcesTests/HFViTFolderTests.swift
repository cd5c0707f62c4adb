import Checkpoints
import Foundation
import GoldenSupport
import ModelZoo
import NNModules
import Testing
@testable import ModelSources

/// A Hugging Face ViT folder opens as the real architecture: a tiny model saved the way `save_pretrained`
/// would save it (`config.json` + `model.safetensors`) is rebuilt by class, loaded strictly, and computes what
/// the original computes; `nntop summary` runs its forward on `pixel_values`.
@Suite struct HFViTFolderTests {
    /// The tiny configuration as `config.json` (what transformers writes for `ViTConfig.tiny`, three labels).
    static func configJSON(architecture: String) -> [String: Any] {
        ["model_type": "vit", "architectures": [architecture], "hidden_size": 32, "num_hidden_layers": 2,
         "num_attention_heads": 2, "intermediate_size": 64, "image_size": 32, "patch_size": 8,
         "id2label": ["0": "cat", "1": "dog", "2": "bird"]]
    }

    /// `model`'s state dict written as float32 safetensors next to `config`, in a folder removed after `body`.
    static func withSavedFolder<R>(_ model: Module, config: [String: Any], _ body: (URL) throws -> R) throws -> R {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-vit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var tensors: [String: SafetensorsWriter.Tensor] = [:]
        for (key, value) in try model.stateDict() {
            let tensor = try #require(value.tensor)
            let floats = try tensor.toDoubles().map(Float.init)
            tensors[key] = SafetensorsWriter.Tensor(dtype: .f32, shape: tensor.sizes, bytes: floats.withUnsafeBufferPointer { Data(buffer: $0) })
        }
        try SafetensorsWriter.save(tensors: tensors, to: folder.appendingPathComponent("model.safetensors"))
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        return try body(folder)
    }

    static func build(_ architecture: String) throws -> Module {
        DefaultGenerator.manualSeed(1)
        return try HFModels.build(config: configJSON(architecture: architecture)).eval()
    }

    @Test(arguments: [("ViTModel", [[1, 17, 32], [1, 32]]), ("ViTForImageClassification", [[1, 3]])])
    func savedFolderLoadsAsTheArchitectureAndComputesTheSame(architecture: String, outputShapes: [[Int]]) throws {
        let original = try Self.build(architecture)
        try Self.withSavedFolder(original, config: Self.configJSON(architecture: architecture)) { folder in
            let loaded = try ModelResolver.load(folder.path)
            #expect(loaded.module.typeName == architecture)
            #expect(loaded.source == "hf:vit \(folder.path)")
            #expect(loaded.notes.isEmpty)
            let input = try #require(loaded.sampleInput?.first?.tensor)
            #expect(input.sizes == [1, 3, 32, 32])
            let mine = try loaded.module.eval().call([.tensor(input)]).flattenedTensors()
            let theirs = try original.call([.tensor(input)]).flattenedTensors()
            #expect(mine.map(\.path) == theirs.map(\.path))
            #expect(mine.map(\.tensor.sizes) == outputShapes)
            for (a, b) in zip(mine, theirs) {
                let worst = zip(try a.tensor.toDoubles(), try b.tensor.toDoubles()).map { Swift.abs($0 - $1) }.max() ?? 0
                #expect(worst <= 1e-6, "\(architecture) \(a.path): largest difference \(worst)")
            }
        }
    }

    @Test func summaryJSONShowsTheArchitectureAndItsOutputShapes() throws {
        let original = try Self.build("ViTModel")
        try Self.withSavedFolder(original, config: Self.configJSON(architecture: "ViTModel")) { folder in
            let out = try NNTopBinary.run(["summary", folder.path, "--json"])
            #expect(out.status == 0, "\(out.stderr)")
            let rows = out.stdout.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            #expect(rows.compactMap { $0["name"] as? String } == original.namedModules().map(\.name))
            #expect(rows.compactMap { $0["class"] as? String } == original.namedModules().map(\.module.typeName))
            #expect(rows.first?["recursive_param_numel"] as? Int == 24_960)
            #expect(rows.first?["output_shapes"] as? [[Int]] == [[1, 17, 32], [1, 32]])
            let attention = rows.first { $0["name"] as? String == "encoder.layer.1.attention.attention" }
            #expect(attention?["output_shapes"] as? [[Int]] == [[1, 17, 32]])
        }
    }
}
