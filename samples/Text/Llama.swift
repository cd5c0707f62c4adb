import Foundation
import NNModules

/// transformers `LlamaConfig`: the fields that shape the architecture and its forward, with the class
/// defaults (a Llama-2-7B shape).
public struct LlamaConfig: Sendable, Equatable {
    public var vocabSize = 32000
    public var hiddenSize = 4096
    public var intermediateSize = 11008
    public var numHiddenLayers = 32
    public var numAttentionHeads = 32
    /// Grouped-query attention: fewer key/value heads than query heads (absent from a config: as many).
    public var numKeyValueHeads = 32
    /// Absent from a config: `hidden_size / num_attention_heads`.
    public var headDim = 128
    public var hiddenAct = "silu"
    public var maxPositionEmbeddings = 2048
    public var rmsNormEps = 1e-6
    public var ropeTheta = 10000.0
    public var attentionBias = false
    public var attentionDropout = 0.0
    public var mlpBias = false
    public var initializerRange = 0.02
    public var tieWordEmbeddings = false
    public var padTokenId: Int?
    /// The transformers family whose class names the modules report: `Llama`, `Qwen2` or `Mistral` (their
    /// modeling code is Llama's, with the differences below).
    public var family = "Llama"
    /// Qwen2: biases on the query, key and value projections (not on the output projection).
    public var qkvBias = false
    /// Mistral: each query attends only the last `sliding_window` keys (nil: all earlier keys).
    public var slidingWindow: Int?

    public init() {}

    public init(json: [String: Any]) throws {
        let c = HFConfigReader(json)
        vocabSize = try c.int("vocab_size", vocabSize)
        hiddenSize = try c.int("hidden_size", hiddenSize)
        intermediateSize = try c.int("intermediate_size", intermediateSize)
        numHiddenLayers = try c.int("num_hidden_layers", numHiddenLayers)
        numAttentionHeads = try c.int("num_attention_heads", numAttentionHeads)
        numKeyValueHeads = try c.optionalInt("num_key_value_heads") ?? numAttentionHeads
        headDim = try c.optionalInt("head_dim") ?? hiddenSize / numAttentionHeads
        hiddenAct = try c.string("hidden_act", hiddenAct)
        maxPositionEmbeddings = try c.int("max_position_embeddings", maxPositionEmbeddings)
        rmsNormEps = try c.double("rms_norm_eps", rmsNormEps)
        attentionBias = try c.bool("attention_bias", attentionBias)
        attentionDropout = try c.double("attention_dropout", attentionDropout)
        mlpBias = try c.bool("mlp_bias", mlpBias)
        initializerRange = try c.double("initializer_range", initializerRange)
        tieWordEmbeddings = try c.bool("tie_word_embeddings", tieWordEmbeddings)
        padTokenId = try c.optionalInt("pad_token_id")
        if try c.int("pretraining_tp", 1) != 1 { throw HFConfigError.unsupported("'pretraining_tp' other than 1") }
        // transformers 5 nests RoPE settings in `rope_parameters`; 4.x used `rope_theta` and `rope_scaling`.
        let rope = try c.dictionary("rope_parameters") ?? c.dictionary("rope_scaling")
        ropeTheta = try c.double("rope_theta", ropeTheta)
        if let rope { ropeTheta = try rope.double("rope_theta", ropeTheta) }
        let ropeType = try rope.map { try $0.string("rope_type", try $0.string("type", "default")) } ?? "default"
        if ropeType != "default" { throw HFConfigError.unsupported("rope_type '\(ropeType)'") }
    }

    /// A `config.json` of `model_type` `qwen2` (q/k/v biases; sliding windows only with `use_sliding_window`,
    /// which the zoo does not implement) or `mistral` (`sliding_window`, null for none).
    public init(json: [String: Any], modelType: String) throws {
        try self.init(json: json)
        let c = HFConfigReader(json)
        switch modelType {
        case "qwen2":
            family = "Qwen2"
            qkvBias = true
            try c.requireOff("use_sliding_window")
        case "mistral":
            family = "Mistral"
            slidingWindow = try c.optionalInt("sliding_window")
        default:
            throw HFConfigError.unsupported("model_type '\(modelType)'")
        }
    }

    /// LlamaConfig() defaults: the Llama-2-7B shape (the goldens' llama-7b).
    public static let llama7B = LlamaConfig()
    /// Llama-2-13B's shape; other fields as LlamaConfig's defaults.
    public static let llama13B = LlamaConfig(hidden: 5120, intermediate: 13824, layers: 40, heads: 40)
    /// Llama-2-70B's shape: grouped-query attention with 8 key/value heads.
    public static let llama70B = LlamaConfig(hidden: 8192, intermediate: 28672, layers: 80, heads: 64, kvHeads: 8)
    /// The goldens' tiny configuration: 4 query heads sharing 2 key/value heads of dimension 16.
    public static let tiny: LlamaConfig = {
        var c = LlamaConfig(hidden: 64, intermediate: 128, layers: 2, heads: 4, kvHeads: 2)
        (c.vocabSize, c.maxPositionEmbeddings) = (1000, 128)
        return c
    }()

    /// The goldens' `hf/qwen2-tiny` and `hf/mistral-tiny` configurations.
    public static let qwen2Tiny = LlamaConfig.familyTiny("Qwen2")
    public static let mistralTiny = LlamaConfig.familyTiny("Mistral")

    static func familyTiny(_ family: String) -> LlamaConfig {
        var c = LlamaConfig(hidden: 64, intermediate: 112, layers: 2, heads: 4, kvHeads: 2)
        (c.vocabSize, c.maxPositionEmbeddings, c.family) = (320, 64, family)
        if family == "Qwen2" { c.qkvBias = true } else { c.slidingWindow = 4096 }
        return c
    }

    init(hidden: Int, intermediate: Int, layers: Int, heads: Int, kvHeads: Int? = nil) {
        hiddenSize = hidden
        intermediateSize = intermediate
        numHiddenLayers = layers
        numAttentionHeads = heads
        numKeyValueHeads = kvHeads ?? heads
        headDim = hidden / heads
    }
}

/// transformers `LlamaRMSNorm`: `weight · x / sqrt(mean(x²) + eps)`, computed in float32.
public final class LlamaRMSNorm: Module {
    public let varianceEpsilon: Double

    public init(_ hiddenSize: Int, eps: Double = 1e-6, family: String = "Llama") throws {
        varianceEpsilon = eps
        super.init()
        reportFamily(self, family, "RMSNorm")
        try registerParameter("weight", Parameter(Tensor.ones([hiddenSize])))
    }

    override public func extraRepr() -> String {
        "\(pythonTuple(parameter("weight")?.sizes ?? [])), eps=\(pythonFloat(varianceEpsilon))"
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        guard let weight = parameter("weight") else { throw TorchError.attributeError("'LlamaRMSNorm' object has no attribute 'weight'") }
        var hidden = try input.to(dtype: .float32)
        let variance = try hidden.pow(2).mean(dim: -1, keepdim: true)
        hidden = try hidden * (try (try variance + varianceEpsilon).rsqrt())
        return try weight * (try hidden.to(dtype: input.dtype))
    }
}

/// transformers `LlamaRotaryEmbedding` (default RoPE): `inv_freq = 1 / θ^(2i/d)` as non-persistent buffers;
/// forward gives the `(cos, sin)` of every position, shared by all layers.
public final class LlamaRotaryEmbedding: Module {
    /// Default RoPE does not rescale the cos/sin.
    public let attentionScaling = 1.0

    public init(_ config: LlamaConfig) throws {
        super.init()
        reportFamily(self, config.family, "RotaryEmbedding")
        let dim = config.headDim
        // PyTorch computes it in float32: arange(0, dim, 2).float() / dim, then base ** that, then 1 / that.
        let values = stride(from: 0, to: dim, by: 2).map { i in
            Double(1 / Foundation.pow(Float(config.ropeTheta), Float(i) / Float(dim)))
        }
        let invFreq = try Tensor(values, shape: [values.count]).to(device: TensorDefaults.device)
        try registerBuffer("inv_freq", invFreq, persistent: false)
        try registerBuffer("original_inv_freq", try invFreq.clone(), persistent: false)
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let arguments = ForwardArguments(args, kwargs)
        let x = try arguments.tensor(0, "x", of: self)
        let positionIds = try arguments.tensor(1, "position_ids", of: self)
        guard let invFreq = buffer("inv_freq") else { throw TorchError.attributeError("'LlamaRotaryEmbedding' object has no attribute 'inv_freq'") }
        let batch = positionIds.sizes[0]
        let invFreqExpanded = try invFreq.to(dtype: .float32).unsqueeze(0).unsqueeze(-1).expand([batch, -1, 1])
        let positionsExpanded = try positionIds.unsqueeze(1).to(dtype: .float32)
        let freqs = try invFreqExpanded.matmul(positionsExpanded).transpose(1, 2)
        let emb = try Tensor.cat([freqs, freqs], dim: -1)
        let cos = try emb.cos() * attentionScaling, sin = try emb.sin() * attentionScaling
        return .tuple([.tensor(try cos.to(dtype: x.dtype)), .tensor(try sin.to(dtype: x.dtype))])
    }
}

/// transformers `rotate_half`: `[x1, x2] → [-x2, x1]` over the last dimension.
func rotateHalf(_ x: Tensor) throws -> Tensor {
    let half = x.sizes[x.rank - 1] / 2
    return try Tensor.cat([try -(try x.narrow(-1, start: half, length: half)), try x.narrow(-1, start: 0, length: half)], dim: -1)
}

/// transformers `apply_rotary_pos_emb` for one of q or k (`[batch, heads, seq, dim]`, cos/sin `[batch, seq, dim]`).
func applyRotary(_ x: Tensor, cos: Tensor, sin: Tensor) throws -> Tensor {
    try (try x * (try cos.unsqueeze(1))) + (try rotateHalf(x) * (try sin.unsqueeze(1)))
}

/// transformers `repeat_kv`: each key/value head serves `nRep` query heads (grouped-query attention).
func repeatKV(_ x: Tensor, _ nRep: Int) throws -> Tensor {
    if nRep == 1 { return x }
    let (batch, heads, length, dim) = (x.sizes[0], x.sizes[1], x.sizes[2], x.sizes[3])
    return try x.unsqueeze(2).expand([batch, heads, nRep, length, dim]).reshape([batch, heads * nRep, length, dim])
}

/// transformers `LlamaAttention` (eager): q/k/v projections, rotary positions, grouped-query causal
/// attention, output projection. Returns `(attn_output, attn_weights)`.
public final class LlamaAttention: Module {
    public let config: LlamaConfig
    public let layerIdx: Int

    public init(_ config: LlamaConfig, layerIdx: Int) throws {
        self.config = config
        self.layerIdx = layerIdx
        super.init()
        reportFamily(self, config.family, "Attention")
        let hd = config.headDim, qkvBias = config.attentionBias || config.qkvBias
        try addModule("q_proj", Linear(config.hiddenSize, config.numAttentionHeads * hd, bias: qkvBias))
        try addModule("k_proj", Linear(config.hiddenSize, config.numKeyValueHeads * hd, bias: qkvBias))
        try addModule("v_proj", Linear(config.hiddenSize, config.numKeyValueHeads * hd, bias: qkvBias))
        try addModule("o_proj", Linear(config.numAttentionHeads * hd, config.hiddenSize, bias: config.attentionBias))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let arguments = ForwardArguments(args, kwargs)
        let hidden = try arguments.tensor(0, "hidden_states", of: self)
        guard case .tuple(let rotary)? = arguments.value(1, "position_embeddings"), rotary.count == 2,
              let cos = rotary[0].tensor, let sin = rotary[1].tensor else {
            throw TorchError.typeError("LlamaAttention.forward() missing required argument: 'position_embeddings'")
        }
        let hd = config.headDim
        func project(_ name: String) throws -> Tensor {
            try Attention.splitHeads(try child(name, as: Linear.self)(hidden), headDim: hd)
        }
        let query = try applyRotary(try project("q_proj"), cos: cos, sin: sin)
        let groups = config.numAttentionHeads / config.numKeyValueHeads
        let key = try repeatKV(try applyRotary(try project("k_proj"), cos: cos, sin: sin), groups)
        let value = try repeatKV(try project("v_proj"), groups)

        var weights = try query.matmul(try key.transpose(2, 3)) * (1 / Double(hd).squareRoot())
        if let mask = arguments.optionalTensor(2, "attention_mask") { weights = try weights + mask }
        weights = try weights.to(dtype: .float32).softmax(dim: -1).to(dtype: query.dtype)
        weights = try Attention.dropout(weights, p: config.attentionDropout, training: training)
        let output = try Attention.mergeHeads(try weights.matmul(value))
        return .tuple([.tensor(try child("o_proj", as: Linear.self)(output)), .tensor(weights)])
    }
}

/// transformers `LlamaMLP`: `down(act(gate(x)) · up(x))`.
public final class LlamaMLP: Module {
    public init(_ config: LlamaConfig) throws {
        super.init()
        reportFamily(self, config.family, "MLP")
        try addModule("gate_proj", Linear(config.hiddenSize, config.intermediateSize, bias: config.mlpBias))
        try addModule("up_proj", Linear(config.hiddenSize, config.intermediateSize, bias: config.mlpBias))
        try addModule("down_proj", Linear(config.intermediateSize, config.hiddenSize, bias: config.mlpBias))
        try addModule("act_fn", HFActivation.make(config.hiddenAct))
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        let gate = try child("act_fn", as: Module.self)(try child("gate_proj", as: Linear.self)(input))
        let up = try child("up_proj", as: Linear.self)(input)
        return try child("down_proj", as: Linear.self)(try gate * up)
    }
}

/// transformers `LlamaDecoderLayer`: pre-norm (RMSNorm) attention and MLP with residual connections.
public final class LlamaDecoderLayer: Module {
    public init(_ config: LlamaConfig, layerIdx: Int) throws {
        super.init()
        reportFamily(self, config.family, "DecoderLayer")
        try addModule("self_attn", LlamaAttention(config, layerIdx: layerIdx))
        try addModule("mlp", LlamaMLP(config))
        try addModule("input_layernorm", LlamaRMSNorm(config.hiddenSize, eps: config.rmsNormEps, family: config.family))
        try addModule("post_attention_layernorm", LlamaRMSNorm(config.hiddenSize, eps: config.rmsNormEps, family: config.family))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        var hidden = try ForwardArguments(args, kwargs).tensor(0, "hidden_states", of: self)
        var residual = hidden
        hidden = try child("input_layernorm", as: LlamaRMSNorm.self)(hidden)
        var attentionKwargs = kwargs
        attentionKwargs.removeValue(forKey: "hidden_states")
        hidden = try child("self_attn", as: LlamaAttention.self).call([.tensor(hidden)], kwargs: attentionKwargs).element(0)
        hidden = try residual + hidden
        residual = hidden
        hidden = try child("mlp", as: LlamaMLP.self)(try child("post_attention_layernorm", as: LlamaRMSNorm.self)(hidden))
        return .tensor(try residual + hidden)
    }
}

/// transformers `LlamaModel`: embeddings, decoder layers, final RMSNorm, and the rotary embedding computed
/// once per forward. Returns `{last_hidden_state}`.
public final class LlamaModel: Module {
    public let config: LlamaConfig

    public init(_ config: LlamaConfig) throws {
        self.config = config
        super.init()
        reportFamily(self, config.family, "Model")
        try addModule("embed_tokens", Embedding(config.vocabSize, config.hiddenSize, paddingIdx: config.padTokenId))
        try addModule("layers", ModuleList(try (0..<config.numHiddenLayers).map { try LlamaDecoderLayer(config, layerIdx: $0) }))
        try addModule("norm", LlamaRMSNorm(config.hiddenSize, eps: config.rmsNormEps, family: config.family))
        try addModule("rotary_emb", LlamaRotaryEmbedding(config))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let arguments = ForwardArguments(args, kwargs)
        let inputIds = try arguments.tensor(0, "input_ids", of: self)
        let length = inputIds.sizes[1]
        var hidden = try child("embed_tokens", as: Embedding.self)(inputIds)
        let positionIds = try arguments.keyword("position_ids") ?? Tensor.arange(0, length, device: inputIds.device).unsqueeze(0)
        let mask = try Attention.additiveMask(length: length, causal: true, slidingWindow: config.slidingWindow,
                                              attentionMask: arguments.keyword("attention_mask"), like: hidden)
        let rotary = try child("rotary_emb", as: LlamaRotaryEmbedding.self).call([.tensor(hidden), .tensor(positionIds)])
        for layer in try child("layers", as: ModuleList.self).items {
            var layerKwargs: Kwargs = ["position_embeddings": rotary]
            if let mask { layerKwargs["attention_mask"] = .tensor(mask) }
            hidden = try layer.call([.tensor(hidden)], kwargs: layerKwargs).output()
        }
        return .dict(["last_hidden_state": .tensor(try child("norm", as: LlamaRMSNorm.self)(hidden))])
    }
}

/// transformers `LlamaForCausalLM`: `LlamaModel` plus the vocabulary projection. Returns `{logits}`.
public final class LlamaForCausalLM: Module {
    public let config: LlamaConfig

    public init(_ config: LlamaConfig) throws {
        self.config = config
        super.init()
        reportFamily(self, config.family, "ForCausalLM")
        let model = try LlamaModel(config)
        try addModule("model", model)
        let embedding = config.tieWordEmbeddings ? try model.child("embed_tokens", as: Embedding.self) : nil
        try addModule("lm_head", languageModelHead(hidden: config.hiddenSize, vocab: config.vocabSize, tiedTo: embedding))
        try WeightInit.huggingFace(self, std: config.initializerRange)
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let hidden = try child("model", as: LlamaModel.self).call(args, kwargs: kwargs).field("last_hidden_state")
        return .dict(["logits": .tensor(try child("lm_head", as: Linear.self)(hidden))])
    }
}
