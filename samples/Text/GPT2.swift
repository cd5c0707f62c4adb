import NNModules

/// transformers `GPT2Config`: the fields that shape the architecture and its forward, with the class
/// defaults (GPT-2 small, 124M).
public struct GPT2Config: Sendable, Equatable {
    public var vocabSize = 50257
    public var nPositions = 1024
    public var nEmbd = 768
    public var nLayer = 12
    public var nHead = 12
    public var nInner: Int?
    public var activationFunction = "gelu_new"
    public var residPdrop = 0.1
    public var embdPdrop = 0.1
    public var attnPdrop = 0.1
    public var layerNormEpsilon = 1e-5
    public var initializerRange = 0.02
    public var scaleAttnWeights = true
    public var scaleAttnByInverseLayerIdx = false
    public var tieWordEmbeddings = true

    public init() {}

    public init(json: [String: Any]) throws {
        let c = HFConfigReader(json)
        try c.requireOff("add_cross_attention", "reorder_and_upcast_attn")
        vocabSize = try c.int("vocab_size", vocabSize)
        nPositions = try c.int("n_positions", nPositions)
        nEmbd = try c.int("n_embd", nEmbd)
        nLayer = try c.int("n_layer", nLayer)
        nHead = try c.int("n_head", nHead)
        nInner = try c.optionalInt("n_inner")
        activationFunction = try c.string("activation_function", activationFunction)
        residPdrop = try c.double("resid_pdrop", residPdrop)
        embdPdrop = try c.double("embd_pdrop", embdPdrop)
        attnPdrop = try c.double("attn_pdrop", attnPdrop)
        layerNormEpsilon = try c.double("layer_norm_epsilon", layerNormEpsilon)
        initializerRange = try c.double("initializer_range", initializerRange)
        scaleAttnWeights = try c.bool("scale_attn_weights", scaleAttnWeights)
        scaleAttnByInverseLayerIdx = try c.bool("scale_attn_by_inverse_layer_idx", scaleAttnByInverseLayerIdx)
        tieWordEmbeddings = try c.bool("tie_word_embeddings", tieWordEmbeddings)
    }

    /// The published checkpoints' shapes (openai-community/gpt2, -medium, -large, -xl).
    public static let gpt2 = GPT2Config()
    public static let medium = GPT2Config(nEmbd: 1024, nLayer: 24, nHead: 16)
    public static let large = GPT2Config(nEmbd: 1280, nLayer: 36, nHead: 20)
    public static let xl = GPT2Config(nEmbd: 1600, nLayer: 48, nHead: 25)
    /// The goldens' tiny configuration (its token ids stay inside the 1000-word vocabulary).
    public static let tiny = GPT2Config(vocabSize: 1000, nPositions: 128, nEmbd: 64, nLayer: 2, nHead: 2)

    init(vocabSize: Int = 50257, nPositions: Int = 1024, nEmbd: Int, nLayer: Int, nHead: Int) {
        self.vocabSize = vocabSize
        self.nPositions = nPositions
        self.nEmbd = nEmbd
        self.nLayer = nLayer
        self.nHead = nHead
    }
}

/// transformers `GPT2Attention` (eager): fused q/k/v projection, causal softmax attention, output projection.
/// Returns `(attn_output, attn_weights)`.
public final class GPT2Attention: Module {
    public let config: GPT2Config
    public let layerIdx: Int
    public let headDim: Int

    public init(_ config: GPT2Config, layerIdx: Int) throws {
        guard config.nEmbd % config.nHead == 0 else {
            throw TorchError.valueError("`embed_dim` must be divisible by num_heads (got `embed_dim`: \(config.nEmbd) and `num_heads`: \(config.nHead)).")
        }
        self.config = config
        self.layerIdx = layerIdx
        headDim = config.nEmbd / config.nHead
        super.init()
        try addModule("c_attn", Conv1D(nf: 3 * config.nEmbd, nx: config.nEmbd))
        try addModule("c_proj", Conv1D(nf: config.nEmbd, nx: config.nEmbd))
        try addModule("attn_dropout", Dropout(p: config.attnPdrop))
        try addModule("resid_dropout", Dropout(p: config.residPdrop))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let arguments = ForwardArguments(args, kwargs)
        let hidden = try arguments.tensor(0, "hidden_states", of: self)
        let qkv = try child("c_attn", as: Conv1D.self)(hidden)
        let e = config.nEmbd
        let query = try Attention.splitHeads(try qkv.narrow(2, start: 0, length: e), headDim: headDim)
        let key = try Attention.splitHeads(try qkv.narrow(2, start: e, length: e), headDim: headDim)
        let value = try Attention.splitHeads(try qkv.narrow(2, start: 2 * e, length: e), headDim: headDim)

        var weights = try query.matmul(try key.transpose(-1, -2))
        if config.scaleAttnWeights { weights = try weights / Double(headDim).squareRoot() }
        if config.scaleAttnByInverseLayerIdx { weights = try weights / Double(layerIdx + 1) }
        if let mask = arguments.optionalTensor(1, "attention_mask") { weights = try weights + mask }
        weights = try weights.softmax(dim: -1)
        weights = try Attention.dropout(weights, p: try child("attn_dropout", as: Dropout.self).p, training: training)
        var output = try Attention.mergeHeads(try weights.matmul(value))
        output = try child("c_proj", as: Conv1D.self)(output)
        output = try child("resid_dropout", as: Dropout.self)(output)
        return .tuple([.tensor(output), .tensor(weights)])
    }
}

/// transformers `GPT2MLP`: expand to `n_inner` (4·n_embd), activation, project back, dropout.
public final class GPT2MLP: Module {
    public init(intermediateSize: Int, _ config: GPT2Config) throws {
        super.init()
        try addModule("c_fc", Conv1D(nf: intermediateSize, nx: config.nEmbd))
        try addModule("c_proj", Conv1D(nf: config.nEmbd, nx: intermediateSize))
        try addModule("act", HFActivation.make(config.activationFunction))
        try addModule("dropout", Dropout(p: config.residPdrop))
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        var x = try child("c_fc", as: Conv1D.self)(input)
        x = try child("act", as: Module.self)(x)
        x = try child("c_proj", as: Conv1D.self)(x)
        return try child("dropout", as: Dropout.self)(x)
    }
}

/// transformers `GPT2Block`: pre-norm attention and MLP with residual connections.
public final class GPT2Block: Module {
    public init(_ config: GPT2Config, layerIdx: Int) throws {
        super.init()
        try addModule("ln_1", LayerNorm(config.nEmbd, eps: config.layerNormEpsilon))
        try addModule("attn", GPT2Attention(config, layerIdx: layerIdx))
        try addModule("ln_2", LayerNorm(config.nEmbd, eps: config.layerNormEpsilon))
        try addModule("mlp", GPT2MLP(intermediateSize: config.nInner ?? 4 * config.nEmbd, config))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let arguments = ForwardArguments(args, kwargs)
        var hidden = try arguments.tensor(0, "hidden_states", of: self)
        var residual = hidden
        hidden = try child("ln_1", as: LayerNorm.self)(hidden)
        var attentionKwargs: Kwargs = [:]
        if let mask = arguments.optionalTensor(1, "attention_mask") { attentionKwargs["attention_mask"] = .tensor(mask) }
        let attended = try child("attn", as: GPT2Attention.self).call([.tensor(hidden)], kwargs: attentionKwargs).element(0)
        hidden = try attended + residual
        residual = hidden
        hidden = try child("mlp", as: GPT2MLP.self)(try child("ln_2", as: LayerNorm.self)(hidden))
        return .tensor(try residual + hidden)
    }
}

/// transformers `GPT2Model`: token and position embeddings, the blocks, final LayerNorm.
/// Returns `{last_hidden_state}`.
public final class GPT2Model: Module {
    public let config: GPT2Config

    public init(_ config: GPT2Config) throws {
        self.config = config
        super.init()
        try addModule("wte", Embedding(config.vocabSize, config.nEmbd))
        try addModule("wpe", Embedding(config.nPositions, config.nEmbd))
        try addModule("drop", Dropout(p: config.embdPdrop))
        try addModule("h", ModuleList(try (0..<config.nLayer).map { try GPT2Block(config, layerIdx: $0) }))
        try addModule("ln_f", LayerNorm(config.nEmbd, eps: config.layerNormEpsilon))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let arguments = ForwardArguments(args, kwargs)
        let inputIds = try arguments.tensor(0, "input_ids", of: self)
        let length = inputIds.sizes[1]
        let positionIds = try arguments.keyword("position_ids") ?? Tensor.arange(0, length, device: inputIds.device).unsqueeze(0)
        let inputsEmbeds = try child("wte", as: Embedding.self)(inputIds)
        var embeddings = try inputsEmbeds + (try child("wpe", as: Embedding.self)(positionIds))
        if let tokenTypeIds = arguments.keyword("token_type_ids") {
            embeddings = try embeddings + (try child("wte", as: Embedding.self)(tokenTypeIds))
        }
        var hidden = try child("drop", as: Dropout.self)(embeddings)
        let mask = try Attention.additiveMask(length: length, causal: true, attentionMask: arguments.keyword("attention_mask"), like: hidden)
        for block in try child("h", as: ModuleList.self).items {
            hidden = try block.call([.tensor(hidden)], kwargs: mask.map { ["attention_mask": .tensor($0)] } ?? [:]).output()
        }
        return .dict(["last_hidden_state": .tensor(try child("ln_f", as: LayerNorm.self)(hidden))])
    }
}

/// transformers `GPT2LMHeadModel`: `GPT2Model` plus the vocabulary projection, tied to `wte` by default.
/// Returns `{logits}`.
public final class GPT2LMHeadModel: Module {
    public let config: GPT2Config

    public init(_ config: GPT2Config) throws {
        self.config = config
        super.init()
        let transformer = try GPT2Model(config)
        try addModule("transformer", transformer)
        let wte = config.tieWordEmbeddings ? try transformer.child("wte", as: Embedding.self) : nil
        try addModule("lm_head", languageModelHead(hidden: config.nEmbd, vocab: config.vocabSize, tiedTo: wte))
        try WeightInit.huggingFace(self, std: config.initializerRange)
        // GPT-2's scaled init of the residual projections: std / sqrt(2 · n_layer).
        for (name, parameter) in namedParameters() where name.hasSuffix("c_proj.weight") {
            try parameter.normal_(mean: 0, std: config.initializerRange / (2 * Double(config.nLayer)).squareRoot())
        }
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let hidden = try child("transformer", as: GPT2Model.self).call(args, kwargs: kwargs).field("last_hidden_state")
        return .dict(["logits": .tensor(try child("lm_head", as: Linear.self)(hidden))])
    }
}
