import ExportedModels
import Foundation
import ModelZoo
import NNModules

/// Resolves the `MODEL` argument every command takes: a zoo name, a Hugging Face model folder, or a checkpoint
/// file, sharded index or folder of weights.
public enum ModelResolver {
    /// - Parameter loading: `.lazy` builds the structure alone on the `meta` device (headers of a checkpoint,
    ///   a zoo model without random initialization): what `repr`, `summary` and the view's first frame need.
    public static func load(_ argument: String, loading: WeightLoading = .automatic) throws -> LoadedModel {
        if let entry = Zoo.model(named: argument) {
            let device = loading == .lazy ? .meta : entry.defaultDevice
            DefaultGenerator.manualSeed(0)
            let module = try entry.build(on: device)
            return LoadedModel(name: entry.name, source: "zoo:\(entry.name)", module: module,
                               sampleInput: try entry.sampleInput(on: device), notes: [], inputNames: entry.inputNames)
        }
        let url = URL(fileURLWithPath: argument)
        guard FileManager.default.fileExists(atPath: url.path) else {
            let names = Zoo.models.map(\.name).joined(separator: ", ")
            throw ModelLoadError(description: "unknown model '\(argument)': not a zoo model (\(names)) and no such file or folder")
        }
        if HFFolderLoader.isModelFolder(url) { return try HFFolderLoader.load(url, loading: loading) }
        // .pt2, TorchScript and whole-model pickles; a pickle naming other globals falls through and is refused.
        if let saved = try SavedModel.open(url) {
            return LoadedModel(name: url.lastPathComponent, source: "\(saved.format.rawValue) \(url.path)", module: saved.module,
                               sampleInput: saved.sampleInput, notes: saved.notes)
        }
        return try StateDictLoader.load(url, loading: loading)
    }
}
