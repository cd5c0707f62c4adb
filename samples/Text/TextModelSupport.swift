import NNModules

/// A forward call's arguments bound the way Python binds them: by position or by keyword.
struct ForwardArguments {
    let args: [Value]
    let kwargs: Kwargs

    init(_ args: [Value], _ kwargs: Kwargs) {
        self.args = args
        self.kwargs = kwargs
    }

    func value(_ index: Int, _ name: String) -> Value? {
        index < args.count ? args[index] : kwargs[name]
    }

    func tensor(_ index: Int, _ name: String, of module: Module) throws -> Tensor {
        guard let tensor = value(index, name)?.tensor else {
            throw TorchError.typeError("\(module.typeName).forward() missing required argument: '\(name)'")
        }
        return tensor
    }

    func optionalTensor(_ index: Int, _ name: String) -> Tensor? { value(index, name)?.tensor }
}

extension Value {
    /// A module's single-tensor output.
    func output() throws -> Tensor {
        guard let tensor else { throw TorchError.typeError("expected a tensor output, got \(typeName)") }
        return tensor
    }

    /// Element `index` of a tuple output (`outputs[0]` in the reference).
    func element(_ index: Int) throws -> Tensor {
        guard case .tuple(let items) = self, index < items.count, let tensor = items[index].tensor else {
            throw TorchError.typeError("expected a tuple with a tensor at \(index), got \(typeName)")
        }
        return tensor
    }

    /// Field `key` of a model output (`outputs.last_hidden_state`).
    func field(_ key: String) throws -> Tensor {
        guard case .dict(let fields) = self, let tensor = fields[key]?.tensor else {
            throw TorchError.attributeError("model output has no tensor field '\(key)'")
        }
        return tensor
    }
}

/// Attention helpers shared by the Hugging Face families, as in transformers' eager attention code.
enum Attention {
    /// The additive causal mask `[1, 1, q, q]`: 0 on and below the diagonal, the dtype's lowest value above
    /// (transformers' `create_causal_mask` for eager attention without padding).
    static func causalMask(length: Int, like reference: Tensor) throws -> Tensor {
        let lowest: Double
        switch reference.dtype {
        case .float64: lowest = -Double.greatestFiniteMagnitude
        case .float16: lowest = -Double(Float16.greatestFiniteMagnitude)
        default: lowest = -Double(Float.greatestFiniteMagnitude)
        }
        return try Tensor.full([1, 1, length, length], lowest, dtype: reference.dtype, device: reference.device).triu(diagonal: 1)
    }

    /// `[batch, seq, heads·dim]` → `[batch, heads, seq, dim]`.
    static func splitHeads(_ x: Tensor, headDim: Int) throws -> Tensor {
        try x.reshape([x.sizes[0], x.sizes[1], -1, headDim]).transpose(1, 2)
    }

    /// `[batch, heads, seq, dim]` → `[batch, seq, heads·dim]`.
    static func mergeHeads(_ x: Tensor) throws -> Tensor {
        try x.transpose(1, 2).contiguous().reshape([x.sizes[0], x.sizes[2], -1])
    }

    /// `F.dropout(weights, p, training)` on the attention probabilities, as eager attention applies it:
    /// functionally, so the attention's `Dropout` child (whose `p` the callers pass) is never called as a
    /// module and no hooks fire for it.
    static func dropout(_ weights: Tensor, p: Double, training: Bool) throws -> Tensor {
        training && p > 0 ? try Dropout(p: p).forward(weights) : weights
    }
}

/// The language-model head `Linear(hidden, vocab, bias=False)`. With `tiedTo`, transformers' `_tie_weights`
/// step: its weight is the very Parameter of the input embedding, and the head is built on the meta device
/// first so its own weight is never allocated.
func languageModelHead(hidden: Int, vocab: Int, tiedTo embedding: Embedding?) throws -> Linear {
    guard let embedding else { return Linear(hidden, vocab, bias: false) }
    let head = TensorDefaults.$device.withValue(.meta) { Linear(hidden, vocab, bias: false) }
    try head.registerParameter("weight", embedding.weight)
    return head
}
