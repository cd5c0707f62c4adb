import Foundation
import ModelZoo
import NNModules

/// A checkpoint with no `config.json` (a `.safetensors`, `.pt`/`.bin`/`.pth` file, a sharded index, or a
/// folder of those): a zoo model when its keys are recognised, otherwise the tree inferred from its keys.
enum StateDictLoader {
    static func load(_ url: URL, loading: WeightLoading) throws -> LoadedModel {
        let weights = try CheckpointWeights(url, loading: loading)
        guard let entry = ModelRecognizer.recognize(weights.summaries) else {
            return try tree(weights, name: url.lastPathComponent, why: "no architecture matches its keys")
        }
        let device: Device = weights.isLazy ? .meta : .cpu
        DefaultGenerator.manualSeed(0)
        let model = try entry.build(on: device)
        try TiedStateDictLoad.load(try weights.tensors(), into: model, assign: weights.isLazy)
        let note = "the checkpoint's keys and shapes are those of the zoo's \(entry.name) (\(entry.summary)); built as that"
        return LoadedModel(name: entry.name, source: "\(entry.name) state dict \(url.path)", module: model,
                           sampleInput: try entry.sampleInput(on: device), notes: [note] + [weights.lazyNote].compactMap { $0 })
    }

    /// The generic tree of `StateDictModule`s for `weights`, saying why no architecture was built.
    static func tree(_ weights: CheckpointWeights, name: String, why: String) throws -> LoadedModel {
        let module = try StateDictTree.build(try weights.tensors(), file: weights.url.path)
        let note = "module classes are unknown (\(why)): this tree of StateDictModule was inferred from the "
            + "state dict's dotted keys, floating tensors as parameters and the others as buffers; it has no forward"
        return LoadedModel(name: name, source: "state dict \(weights.url.path)", module: module, sampleInput: nil,
                           notes: [note] + [weights.lazyNote].compactMap { $0 })
    }
}
