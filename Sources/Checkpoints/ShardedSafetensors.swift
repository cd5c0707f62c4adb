import Foundation

/// A checkpoint split over several safetensors files, as transformers writes it: an index
/// (`model.safetensors.index.json`, `{"weight_map": {tensor: shard file}}`) next to the shards.
/// Opened together they behave as one checkpoint; each shard stays separately mapped.
public struct ShardedSafetensors: Sendable {
    public let indexURL: URL
    /// Shards in order of first appearance in the weight map.
    public let shards: [SafetensorsFile]
    /// Every tensor in the weight map, in the index's order.
    public let records: [TensorRecord]

    /// Maps every shard named by the index at `indexURL` and checks each listed tensor is in its shard.
    public init(indexURL: URL) throws(CheckpointError) {
        let weightMap = try Self.weightMap(indexURL)
        var shardsByFile: [String: SafetensorsFile] = [:]
        var shards: [SafetensorsFile] = []
        var records: [TensorRecord] = []
        records.reserveCapacity(weightMap.count)
        for (name, shardName) in weightMap {
            let shard: SafetensorsFile
            if let known = shardsByFile[shardName] {
                shard = known
            } else {
                shard = try SafetensorsFile(contentsOf: indexURL.deletingLastPathComponent().appendingPathComponent(shardName))
                shardsByFile[shardName] = shard
                shards.append(shard)
            }
            guard let record = shard.records.first(where: { $0.name == name }) else {
                throw CheckpointError(
                    file: indexURL.path, kind: .notFound, message: "tensor `\(name)` is listed for \(shardName) but is not in it")
            }
            records.append(record)
        }
        self.indexURL = indexURL
        self.shards = shards
        self.records = records
    }

    /// The headers of every shard, read without mapping any tensor data.
    public static func readHeaders(indexURL: URL) throws(CheckpointError) -> [(shard: URL, header: SafetensorsHeader)] {
        var seen: Set<String> = []
        var result: [(shard: URL, header: SafetensorsHeader)] = []
        for (_, shardName) in try weightMap(indexURL) where seen.insert(shardName).inserted {
            let url = indexURL.deletingLastPathComponent().appendingPathComponent(shardName)
            result.append((url, try SafetensorsHeader.read(from: url)))
        }
        return result
    }

    /// `weight_map` in file order. Shard names must be plain file names in the index's folder.
    public static func weightMap(_ indexURL: URL) throws(CheckpointError) -> [(name: String, shard: String)] {
        let file = try FileBytes(contentsOf: indexURL)
        func broken(_ problem: String) -> CheckpointError {
            CheckpointError(file: indexURL.path, kind: .malformedArchive, message: "safetensors index: \(problem)")
        }
        guard file.count <= SafetensorsHeader.maxHeaderSize else { throw broken("index file too large") }
        let root: HeaderJSON.Node
        do { root = try HeaderJSON.parse(file.bytes) } catch {
            throw broken("invalid JSON: \(error.message) at \(HeaderJSON.position(of: error.index, in: file.bytes))")
        }
        guard case .object(let members) = root.value,
            let map = members.last(where: { $0.key == "weight_map" })?.node, case .object(let entries) = map.value
        else { throw broken("no `weight_map` object") }
        var result: [(name: String, shard: String)] = []
        var positions: [String: Int] = [:]
        for (name, node) in entries {
            guard case .string(let shard) = node.value else { throw broken("shard of `\(name)` is not a string") }
            guard !shard.isEmpty, !shard.contains("/"), shard != ".", shard != ".." else {
                throw broken("shard name `\(shard)` is not a file name in the index's folder")
            }
            if let position = positions[name] {
                result[position].shard = shard
            } else {
                positions[name] = result.count
                result.append((name, shard))
            }
        }
        return result
    }
}
