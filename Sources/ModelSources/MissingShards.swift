import Checkpoints
import Foundation
import NNModules

/// A sharded Hugging Face folder whose index names shard files that are not there (an interrupted download):
/// the model cannot be loaded, but the shards that are present still show the tree of their tensors, with a
/// note naming the index, each missing file and the tensors it should hold.
enum MissingShards {
    /// The folder's `*.safetensors.index.json`, when it names shards the folder lacks; nil otherwise.
    static func index(in folder: URL) -> URL? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        guard let name = names.sorted().first(where: { $0.hasSuffix(".safetensors.index.json") }) else { return nil }
        let index = folder.appendingPathComponent(name)
        guard let map = try? ShardedSafetensors.weightMap(index) else { return nil }
        let missing = map.contains { !FileManager.default.fileExists(atPath: folder.appendingPathComponent($0.shard).path) }
        return missing ? index : nil
    }

    /// The tree of the present shards' tensors, with the missing files named in its notes.
    static func tree(index: URL, loading: WeightLoading, why: String) throws -> LoadedModel {
        let folder = index.deletingLastPathComponent()
        var byShard: [(shard: String, names: [String])] = []
        for (name, shard) in try ShardedSafetensors.weightMap(index) {
            if let position = byShard.firstIndex(where: { $0.shard == shard }) {
                byShard[position].names.append(name)
            } else {
                byShard.append((shard, [name]))
            }
        }
        var tensors: [(name: String, tensor: Tensor)] = []
        var notes: [String] = []
        for (shard, names) in byShard {
            let url = folder.appendingPathComponent(shard)
            guard FileManager.default.fileExists(atPath: url.path) else {
                let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", ..." : "")
                notes.append("\(index.path): lists \(shard), which is missing: its \(names.count) tensor(s) (\(shown)) are absent")
                continue
            }
            tensors += try CheckpointWeights(url, loading: loading).tensors()
        }
        let module = try StateDictTree.build(tensors, file: index.path)
        let note = "module classes are unknown (\(why)): this tree of StateDictModule was inferred from the present "
            + "shards' dotted keys; it has no forward"
        return LoadedModel(name: folder.lastPathComponent, source: "state dict \(index.path)", module: module,
                           sampleInput: nil, notes: notes + [note])
    }
}
