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

    /// A keyword-only argument (transformers' optional inputs: `attention_mask`, `token_type_ids`,
    /// `position_ids`): their positions differ between families, so nntop passes them by name only.
    func keyword(_ name: String) -> Tensor? { kwargs[name]?.tensor }
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

/// Makes `module` report transformers' class name for `family` (`Qwen2` + `Attention`) where one Swift class
/// stands for several transformers families of identical code (Llama for Qwen2 and Mistral, BERT for RoBERTa).
/// The Swift class's own family (`Llama`, `Bert`) keeps the Swift name.
func reportFamily(_ module: Module, _ family: String, _ suffix: String) {
    if family + suffix != module.typeName { module.classNameOverride = family + suffix }
}

/// Attention helpers shared by the Hugging Face families, as in transformers' eager attention code.
enum Attention {
    /// The additive mask eager attention adds to its scores, `[batch, 1, q, q]` (`[1, 1, q, q]` without an
    /// `attention_mask`): 0 where query i may attend key j, the dtype's lowest value (`finfo.min`) elsewhere —
    /// transformers' `create_causal_mask` (`causal`, with `slidingWindow`: only the last `window` keys) and
    /// `create_bidirectional_mask`, which also mask the keys whose `attention_mask` is 0 (padding).
    /// - Throws: when `attentionMask` is not `[batch, q]`.
    static func additiveMask(length: Int, causal: Bool, slidingWindow: Int? = nil, attentionMask: Tensor?,
                             like reference: Tensor) throws -> Tensor? {
        guard causal || attentionMask != nil else { return nil }
        let batch = attentionMask?.sizes.first ?? 1
        if let attentionMask, attentionMask.sizes != [batch, length] {
            throw TorchError.valueError("attention_mask of shape \(attentionMask.sizes) does not match input_ids of length \(length)")
        }
        let shape = [batch, 1, length, length]
        if reference.isMeta || attentionMask?.isMeta == true {
            return Tensor.empty(shape, dtype: reference.dtype, device: reference.device)
        }
        let keep = try attentionMask?.toDoubles()
        var values = [Double](repeating: 0, count: batch * length * length)
        let lowest = lowestValue(reference.dtype)
        for b in 0..<batch {
            for i in 0..<length {
                for j in 0..<length {
                    let padded = keep.map { $0[b * length + j] == 0 } ?? false
                    let future = causal && j > i
                    let outsideWindow = slidingWindow.map { i - j >= $0 } ?? false
                    if padded || future || outsideWindow { values[(b * length + i) * length + j] = lowest }
                }
            }
        }
        return try Tensor(values, shape: shape, dtype: reference.dtype).to(device: reference.device)
    }

    /// torch.finfo(dtype).min.
    static func lowestValue(_ dtype: DType) -> Double {
        switch dtype {
        case .float64: -Double.greatestFiniteMagnitude
        case .float16: -Double(Float16.greatestFiniteMagnitude)
        case .bfloat16: -Double(Float(bitPattern: 0xFF7F_0000))
        default: -Double(Float.greatestFiniteMagnitude)
        }
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
