import Foundation
import ModelZoo
import NNModules

/// Resolves the `MODEL` argument every command takes: a zoo name, a Hugging Face model folder, or a checkpoint
/// file, sharded index or folder of weights.
enum ModelSource {
    static func load(_ argument: String, loading: WeightLoading = .automatic) throws -> LoadedModel {
        if let entry = Zoo.model(named: argument) {
            DefaultGenerator.manualSeed(0)
            let module = try entry.build()
            return LoadedModel(name: entry.name, source: "zoo:\(entry.name)", module: module,
                               sampleInput: try entry.sampleInput(), notes: [], inputNames: entry.inputNames)
        }
        let url = URL(fileURLWithPath: argument)
        guard FileManager.default.fileExists(atPath: url.path) else {
            let names = Zoo.models.map(\.name).joined(separator: ", ")
            throw ModelLoadError(description: "unknown model '\(argument)': not a zoo model (\(names)) and no such file or folder")
        }
        if HFFolderLoader.isModelFolder(url) { return try HFFolderLoader.load(url, loading: loading) }
        return try StateDictLoader.load(url, loading: loading)
    }
}
