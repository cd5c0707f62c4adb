import NNModules

/// transformers' renaming between a checkpoint's keys and the class being loaded, applied before the strict
/// load: the checkpoint of a bare base model (`GPT2Model`: `h.0.…`, `wte.weight`) loads into the class with
/// a head under its `base_model_prefix` (`transformer.`), and a checkpoint with a head (`BertForMaskedLM`:
/// `bert.…`, `cls.…`) loads into the bare base model, leaving the head's keys unused.
enum HFKeyAlignment {
    /// transformers' `base_model_prefix` of each family the zoo builds.
    static let basePrefix = ["gpt2": "transformer", "bert": "bert", "roberta": "roberta", "distilbert": "distilbert",
                             "llama": "model", "qwen2": "model", "mistral": "model", "vit": "vit"]

    /// transformers' `_keys_to_ignore_on_load_unexpected`: buffers that old checkpoints saved and today's
    /// classes recompute — GPT-2's causal mask `attn.bias` and `attn.masked_bias`, and the per-layer rotary
    /// `self_attn.rotary_emb.inv_freq` of Llama-family checkpoints from before the rotary embedding moved to
    /// the model. Keys naming one of the model's own buffers (`embeddings.position_ids`, which
    /// sentence-transformers' BERT folders keep) are dropped as well, as `_find_missing_and_unexpected_keys` does.
    static let ignoredSuffixes = ["gpt2": [".attn.bias", ".attn.masked_bias"], "llama": [".rotary_emb.inv_freq"],
                                  "qwen2": [".rotary_emb.inv_freq"], "mistral": [".rotary_emb.inv_freq"]]

    struct Result {
        let tensors: [(name: String, tensor: Tensor)]
        /// What was renamed or left out, for the user.
        let notes: [String]
    }

    static func align(_ tensors: [(name: String, tensor: Tensor)], to model: Module, modelType: String) throws -> Result {
        let expected = Set(try model.stateDict().keys)
        var result = tensors
        var notes: [String] = []
        if let prefix = basePrefix[modelType].map({ $0 + "." }) {
            let modelHasPrefix = expected.contains { $0.hasPrefix(prefix) }
            let checkpointHasPrefix = tensors.contains { $0.name.hasPrefix(prefix) }
            if modelHasPrefix && !checkpointHasPrefix {
                result = result.map { expected.contains($0.name) ? $0 : (prefix + $0.name, $0.tensor) }
                notes.append("base-model checkpoint: its keys were loaded under '\(prefix)' of \(model.typeName)")
            } else if !modelHasPrefix && checkpointHasPrefix {
                let head = result.filter { !$0.name.hasPrefix(prefix) }.map(\.name)
                result = result.filter { $0.name.hasPrefix(prefix) }.map { (String($0.name.dropFirst(prefix.count)), $0.tensor) }
                notes.append("the checkpoint's keys were loaded without their '\(prefix)' prefix into \(model.typeName)")
                if !head.isEmpty { notes.append(unused(head, why: "belong to a head \(model.typeName) does not have")) }
            }
        }
        let suffixes = ignoredSuffixes[modelType] ?? []
        let buffers = Set(model.namedBuffers().map(\.0))
        let ignored = result.map(\.name).filter { key in
            !expected.contains(key) && (buffers.contains(key) || suffixes.contains { key.hasSuffix($0) })
        }
        if !ignored.isEmpty {
            let skip = Set(ignored)
            result = result.filter { !skip.contains($0.name) }
            notes.append(unused(ignored, why: "are buffers old transformers versions saved and today's recompute"))
        }
        return Result(tensors: result, notes: notes)
    }

    private static func unused(_ keys: [String], why: String) -> String {
        let shown = keys.prefix(3).joined(separator: ", ") + (keys.count > 3 ? ", ..." : "")
        return "\(keys.count) checkpoint key(s) left unused (\(shown)): they \(why)"
    }
}
