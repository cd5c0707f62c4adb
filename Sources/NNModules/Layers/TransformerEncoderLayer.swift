/// torch.nn.TransformerEncoderLayer: self-attention and a feed-forward block, each with dropout and a
/// residual connection, normalized after (default) or before (`norm_first`) each block. The activation is
/// functional (relu or gelu), not a child, as in PyTorch. This is PyTorch's regular (non-fast) path; children
/// are called through `Module.call` so their hooks run.
public final class TransformerEncoderLayer: Module {
    public let normFirst: Bool
    /// `"relu"` or `"gelu"`.
    public let activation: String

    /// - Throws: PyTorch's RuntimeError for an activation other than relu/gelu.
    public init(dModel: Int, nhead: Int, dimFeedforward: Int = 2048, dropout: Double = 0.1, activation: String = "relu",
                layerNormEps: Double = 1e-5, batchFirst: Bool = false, normFirst: Bool = false, bias: Bool = true,
                device: Device? = nil, dtype: DType? = nil) throws {
        guard activation == "relu" || activation == "gelu" else {
            throw TorchError.runtimeError("activation should be relu/gelu, not \(activation)")
        }
        self.normFirst = normFirst
        self.activation = activation
        super.init()
        try addModule("self_attn", MultiheadAttention(dModel, nhead, dropout: dropout, bias: bias, batchFirst: batchFirst, device: device, dtype: dtype))
        try addModule("linear1", Linear(dModel, dimFeedforward, bias: bias, device: device, dtype: dtype))
        try addModule("dropout", Dropout(p: dropout))
        try addModule("linear2", Linear(dimFeedforward, dModel, bias: bias, device: device, dtype: dtype))
        try addModule("norm1", LayerNorm(dModel, eps: layerNormEps, bias: bias, device: device, dtype: dtype))
        try addModule("norm2", LayerNorm(dModel, eps: layerNormEps, bias: bias, device: device, dtype: dtype))
        try addModule("dropout1", Dropout(p: dropout))
        try addModule("dropout2", Dropout(p: dropout))
    }

    /// torch: `forward(src, src_mask=None, src_key_padding_mask=None, is_causal=False)`.
    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        func argument(_ index: Int, _ name: String) -> Value {
            (index < args.count ? args[index] : kwargs[name]) ?? .none
        }
        guard let src = argument(0, "src").tensor else {
            throw TorchError.typeError("TransformerEncoderLayer.forward() missing 1 required positional argument: 'src'")
        }
        let given = (mask: argument(1, "src_mask").tensor, padding: argument(2, "src_key_padding_mask").tensor)
        if let padding = given.padding, let mask = given.mask, padding.dtype != mask.dtype {
            Warnings.warn("Support for mismatched src_key_padding_mask and src_mask is deprecated. Use same type for both instead.")
        }
        let padding = try given.padding.map { try MultiheadAttention.canonicalMask($0, name: "src_key_padding_mask", target: src.dtype) }
        let mask = try given.mask.map { try MultiheadAttention.canonicalMask($0, name: "src_mask", target: src.dtype) }
        func selfAttention(_ x: Tensor) throws -> Tensor {
            let out = try child("self_attn", as: MultiheadAttention.self).call(
                [.tensor(x), .tensor(x), .tensor(x)],
                kwargs: ["attn_mask": mask.map(Value.tensor) ?? .none, "key_padding_mask": padding.map(Value.tensor) ?? .none,
                         "need_weights": .bool(false), "is_causal": argument(3, "is_causal")])
            guard case .tuple(let items) = out, let attended = items.first?.tensor else {
                throw TorchError.typeError("self_attn returned \(out.typeName), expected a tuple")
            }
            return try module("dropout1")(attended)
        }
        func feedForward(_ x: Tensor) throws -> Tensor {
            let hidden = try module("linear1")(x)
            let activated = activation == "gelu" ? try GELU().forward(hidden) : try ReLU().forward(hidden)
            return try module("dropout2")(try module("linear2")(try module("dropout")(activated)))
        }
        var x = src
        if normFirst {
            x = try x + (try selfAttention(try module("norm1")(x)))
            x = try x + (try feedForward(try module("norm2")(x)))
        } else {
            x = try module("norm1")(try x + (try selfAttention(x)))
            x = try module("norm2")(try x + (try feedForward(x)))
        }
        return .tensor(x)
    }

    private func module(_ name: String) throws -> Module {
        guard let m = child(name) else { throw TorchError.attributeError("'TransformerEncoderLayer' object has no attribute '\(name)'") }
        return m
    }
}
