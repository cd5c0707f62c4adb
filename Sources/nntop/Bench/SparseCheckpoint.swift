import Foundation
import ModelSources
import ModelZoo
import NNModules
#if canImport(Glibc)
import Glibc
#endif

/// Writes a Hugging Face folder (config, index, safetensors shards) of a Llama-2-7B-shaped model whose tensor
/// data are holes: each shard is a real header followed by `ftruncate` to its full size, so a 13 GB checkpoint
/// takes a few hundred kilobytes of disk. Used to measure what browsing a big checkpoint costs.
enum SparseCheckpoint {
    /// transformers' former default `max_shard_size` (Llama-2-7b-hf ships as a 10 GB and a 3.5 GB shard).
    static let shardBytes = 10_000_000_000

    /// The Llama-2-7B `config.json` with `layers` decoder layers.
    static func llamaConfig(layers: Int) -> [String: Any] {
        ["model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 4096, "intermediate_size": 11008,
         "num_hidden_layers": layers, "num_attention_heads": 32, "num_key_value_heads": 32, "vocab_size": 32000,
         "max_position_embeddings": 4096, "rms_norm_eps": 1e-5, "tie_word_embeddings": false, "torch_dtype": "float16"]
    }

    /// Writes the folder and returns the shards' total (apparent) size.
    static func writeLlama(layers: Int, to folder: URL) throws -> Int {
        let config = llamaConfig(layers: layers)
        let model = try TensorDefaults.$device.withValue(.meta) { try HFModels.build(config: config) }
        let tensors = try model.stateDict().compactMap { key, value in value.tensor.map { (key, $0.sizes) } }
        var shards: [[(name: String, shape: [Int])]] = [[]]
        var shardSize = 0
        for (name, shape) in tensors {
            let bytes = shape.reduce(2, *)
            if shardSize + bytes > shardBytes && !shards[shards.count - 1].isEmpty {
                shards.append([])
                shardSize = 0
            }
            shards[shards.count - 1].append((name, shape))
            shardSize += bytes
        }
        var weightMap: [String: String] = [:]
        var total = 0
        for (index, shard) in shards.enumerated() {
            let file = String(format: "model-%05d-of-%05d.safetensors", index + 1, shards.count)
            total += try writeShard(shard, to: folder.appendingPathComponent(file))
            for tensor in shard { weightMap[tensor.name] = file }
        }
        try write(config, to: folder.appendingPathComponent("config.json"))
        try write(["metadata": ["total_size": total], "weight_map": weightMap], to: folder.appendingPathComponent("model.safetensors.index.json"))
        return total
    }

    /// One F16 shard: the header, then a hole as long as the data.
    private static func writeShard(_ tensors: [(name: String, shape: [Int])], to url: URL) throws -> Int {
        var header: [String: Any] = ["__metadata__": ["format": "pt"]]
        var offset = 0
        for (name, shape) in tensors {
            let bytes = shape.reduce(2, *)
            header[name] = ["dtype": "F16", "shape": shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: UInt8(ascii: " "), count: (8 - json.count % 8) % 8))
        var prefix = Data(count: 8)
        prefix.withUnsafeMutableBytes { $0.storeBytes(of: UInt64(json.count).littleEndian, as: UInt64.self) }
        try (prefix + json).write(to: url)
        guard truncate(url.path, off_t(8 + json.count + offset)) == 0 else {
            throw ModelLoadError(description: "\(url.path): cannot extend: \(String(cString: strerror(errno)))")
        }
        return offset
    }

    private static func write(_ object: Any, to url: URL) throws {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]).write(to: url)
    }

    /// Blocks actually allocated on disk under `folder`.
    static func diskBytes(_ folder: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.reduce(0) { sum, name in
            var info = stat()
            return stat(folder.appendingPathComponent(name).path, &info) == 0 ? sum + Int(info.st_blocks) * 512 : sum
        }
    }
}
