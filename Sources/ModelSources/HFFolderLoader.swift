import Foundation
import ModelZoo
import NNModules

/// A Hugging Face model folder (`config.json` next to `model.safetensors`, a sharded index or
/// `pytorch_model.bin`): the architecture `config.json` describes, loaded strictly with transformers' conventions
/// (tied weights stored once, non-persistent buffers absent, base-model prefixes). A `model_type` or option
/// the zoo does not implement falls back to the tree inferred from the state dict.
enum HFFolderLoader {
    static func isModelFolder(_ url: URL) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue
            && FileManager.default.fileExists(atPath: url.appendingPathComponent("config.json").path)
    }

    static func load(_ folder: URL, loading: WeightLoading) throws -> LoadedModel {
        let config = try readConfig(folder.appendingPathComponent("config.json"))
        if let index = MissingShards.index(in: folder) {
            return try MissingShards.tree(index: index, loading: loading, why: "shard files are missing")
        }
        let weights = try CheckpointWeights(folder, loading: loading)
        let modelType = config["model_type"] as? String ?? "(none)"
        let device: Device = weights.isLazy ? .meta : .cpu
        DefaultGenerator.manualSeed(0)
        let model: Module
        do {
            model = try TensorDefaults.$device.withValue(device) { try HFModels.build(config: config) }
        } catch let error as HFConfigError {
            guard case .unsupported = error else { throw ModelLoadError(description: "\(folder.path): \(error)") }
            return try StateDictLoader.tree(weights, name: folder.lastPathComponent, why: "\(error)")
        }
        let aligned = try HFKeyAlignment.align(try weights.tensors(), to: model, modelType: modelType)
        try TiedStateDictLoad.load(aligned.tensors, into: model, assign: weights.isLazy)
        let input = try TensorDefaults.$device.withValue(device) { try sampleInput(model, config: config) }
        return LoadedModel(name: folder.lastPathComponent, source: "hf:\(modelType) \(folder.path)", module: model,
                           sampleInput: input, notes: aligned.notes + [weights.lazyNote].compactMap { $0 },
                           inputNames: model is PixelValuesModel ? ["pixel_values"] : Zoo.textInputs)
    }

    static func readConfig(_ url: URL) throws -> [String: Any] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelLoadError(description: "\(url.path): cannot read: \(error.localizedDescription)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data), let config = object as? [String: Any] else {
            throw ModelLoadError(description: "\(url.path): not a JSON object")
        }
        return config
    }

    /// `pixel_values` of one random image for vision models; otherwise `input_ids` of one sequence: 128 random
    /// token ids (fewer if the model has fewer positions), like the zoo's text models.
    static func sampleInput(_ model: Module, config: [String: Any]) throws -> [Value] {
        if let vision = model as? PixelValuesModel { return [.tensor(Tensor.randn(vision.pixelValuesShape))] }
        let positions = (config["n_positions"] as? Int) ?? (config["max_position_embeddings"] as? Int) ?? 128
        let embedding = model.modules().lazy.compactMap { $0 as? Embedding }.first
        let vocabulary = embedding?.numEmbeddings ?? 1
        return [.tensor(try Tensor.randint(0, vocabulary, [1, max(1, min(128, positions))]))]
    }
}
