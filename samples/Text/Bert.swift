import NNModules

/// transformers `BertConfig`: the fields that shape the encoder and its forward, with the class defaults
/// (bert-base-uncased).
public struct BertConfig: Sendable, Equatable {
    public var vocabSize = 30522
    public var hiddenSize = 768
    public var numHiddenLayers = 12
    public var numAttentionHeads = 12
    public var intermediateSize = 3072
    public var hiddenAct = "gelu"
    public var hiddenDropoutProb = 0.1
    public var attentionProbsDropoutProb = 0.1
    public var maxPositionEmbeddings = 512
    public var typeVocabSize = 2
    public var initializerRange = 0.02
    public var layerNormEps = 1e-12
    public var padTokenId: Int? = 0
    /// The transformers family whose class names the modules report: `Bert`, or `Roberta` (BERT's code with
    /// the position embedding registered last and position ids counted after `pad_token_id`).
    public var family = "Bert"

    public init() {}

    public init(json: [String: Any]) throws {
        let c = HFConfigReader(json)
        try c.requireOff("add_cross_attention", "is_decoder")
        vocabSize = try c.int("vocab_size", vocabSize)
        hiddenSize = try c.int("hidden_size", hiddenSize)
        numHiddenLayers = try c.int("num_hidden_layers", numHiddenLayers)
        numAttentionHeads = try c.int("num_attention_heads", numAttentionHeads)
        intermediateSize = try c.int("intermediate_size", intermediateSize)
        hiddenAct = try c.string("hidden_act", hiddenAct)
        hiddenDropoutProb = try c.double("hidden_dropout_prob", hiddenDropoutProb)
        attentionProbsDropoutProb = try c.double("attention_probs_dropout_prob", attentionProbsDropoutProb)
        maxPositionEmbeddings = try c.int("max_position_embeddings", maxPositionEmbeddings)
        typeVocabSize = try c.int("type_vocab_size", typeVocabSize)
        initializerRange = try c.double("initializer_range", initializerRange)
        layerNormEps = try c.double("layer_norm_eps", layerNormEps)
        padTokenId = json.keys.contains("pad_token_id") ? try c.optionalInt("pad_token_id") : padTokenId
    }

    /// A `config.json` of `model_type` `roberta` (RobertaConfig's defaults differ from BERT's only in
    /// `pad_token_id` 1, which every saved config carries).
    public init(robertaJSON json: [String: Any]) throws {
        try self.init(json: ["pad_token_id": 1].merging(json) { _, saved in saved })
        family = "Roberta"
    }

    /// bert-base-uncased.
    public static let base = BertConfig()
    /// sentence-transformers/all-MiniLM-L6-v2's shape (a BertModel: 6 layers of width 384, 12 heads).
    public static let miniLML6: BertConfig = {
        var c = BertConfig()
        (c.hiddenSize, c.numHiddenLayers, c.numAttentionHeads, c.intermediateSize) = (384, 6, 12, 1536)
        return c
    }()

    /// The goldens' tiny configuration.
    public static let tiny: BertConfig = {
        var c = BertConfig()
        (c.vocabSize, c.hiddenSize, c.numHiddenLayers, c.numAttentionHeads) = (1000, 64, 2, 2)
        (c.intermediateSize, c.maxPositionEmbeddings) = (128, 128)
        return c
    }()

    /// The goldens' `hf/roberta-tiny` configuration.
    public static let robertaTiny: BertConfig = {
        var c = BertConfig()
        (c.vocabSize, c.hiddenSize, c.numHiddenLayers, c.numAttentionHeads) = (320, 64, 2, 4)
        (c.intermediateSize, c.maxPositionEmbeddings, c.padTokenId, c.family) = (112, 64, 1, "Roberta")
        return c
    }()

    var headDim: Int { hiddenSize / numAttentionHeads }
}

/// transformers `BertEmbeddings`: word + token type + position embeddings, LayerNorm, dropout. The default
/// position and token type ids are non-persistent buffers.
public final class BertEmbeddings: Module {
    public let config: BertConfig

    public init(_ config: BertConfig) throws {
        self.config = config
        super.init()
        reportFamily(self, config.family, "Embeddings")
        try addModule("word_embeddings", Embedding(config.vocabSize, config.hiddenSize, paddingIdx: config.padTokenId))
        let roberta = config.family == "Roberta"
        if !roberta { try addModule("position_embeddings", Embedding(config.maxPositionEmbeddings, config.hiddenSize)) }
        try addModule("token_type_embeddings", Embedding(config.typeVocabSize, config.hiddenSize))
        try addModule("LayerNorm", LayerNorm(config.hiddenSize, eps: config.layerNormEps))
        try addModule("dropout", Dropout(p: config.hiddenDropoutProb))
        if roberta {
            try addModule("position_embeddings", Embedding(config.maxPositionEmbeddings, config.hiddenSize, paddingIdx: config.padTokenId))
        }
        let positions = try Tensor.arange(0, config.maxPositionEmbeddings).expand([1, -1])
        try registerBuffer("position_ids", positions, persistent: false)
        try registerBuffer("token_type_ids", Tensor.zeros(positions.sizes, dtype: .int64), persistent: false)
    }

    /// `forward(input_ids, token_type_ids=None, position_ids=None)`; the optional ids by keyword only.
    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let arguments = ForwardArguments(args, kwargs)
        let inputIds = try arguments.tensor(0, "input_ids", of: self)
        let (batch, length) = (inputIds.sizes[0], inputIds.sizes[1])
        guard let positions = buffer("position_ids"), let tokenTypes = buffer("token_type_ids") else {
            throw TorchError.attributeError("'BertEmbeddings' object has no attribute 'position_ids'")
        }
        let defaultPositions = try config.family == "Roberta"
            ? Self.robertaPositionIds(inputIds, padding: config.padTokenId ?? 1)
            : positions.narrow(1, start: 0, length: length)
        let positionIds = arguments.keyword("position_ids") ?? defaultPositions
        let tokenTypeIds = try arguments.keyword("token_type_ids") ?? tokenTypes.narrow(1, start: 0, length: length).expand([batch, length])
        let inputsEmbeds = try child("word_embeddings", as: Embedding.self)(inputIds)
        var embeddings = try inputsEmbeds + (try child("token_type_embeddings", as: Embedding.self)(tokenTypeIds))
        embeddings = try embeddings + (try child("position_embeddings", as: Embedding.self)(positionIds))
        embeddings = try child("LayerNorm", as: LayerNorm.self)(embeddings)
        return .tensor(try child("dropout", as: Dropout.self)(embeddings))
    }
}

extension BertEmbeddings {
    /// transformers `create_position_ids_from_input_ids`: non-padding tokens count up from `padding + 1`,
    /// padding tokens keep `padding` (`cumsum(ids != pad) * (ids != pad) + pad`).
    static func robertaPositionIds(_ inputIds: Tensor, padding: Int) throws -> Tensor {
        let length = inputIds.sizes[1]
        if inputIds.isMeta { return Tensor.empty(inputIds.sizes, dtype: .int64, device: .meta) }
        var positions = try inputIds.toDoubles()
        for row in 0..<inputIds.sizes[0] {
            var count = 0
            for i in row * length..<(row + 1) * length {
                let real = positions[i] != Double(padding)
                if real { count += 1 }
                positions[i] = Double(real ? count + padding : padding)
            }
        }
        return try Tensor(positions, shape: inputIds.sizes, dtype: .int64).to(device: inputIds.device)
    }
}

/// transformers `BertSelfAttention` (eager): separate q/k/v projections, softmax attention.
/// Returns `(context, attn_weights)`.
public final class BertSelfAttention: Module {
    public let config: BertConfig

    public init(_ config: BertConfig) throws {
        guard config.hiddenSize % config.numAttentionHeads == 0 else {
            throw TorchError.valueError("The hidden size (\(config.hiddenSize)) is not a multiple of the number of attention heads (\(config.numAttentionHeads))")
        }
        self.config = config
        super.init()
        reportFamily(self, config.family, "SelfAttention")
        for name in ["query", "key", "value"] { try addModule(name, Linear(config.hiddenSize, config.hiddenSize)) }
        try addModule("dropout", Dropout(p: config.attentionProbsDropoutProb))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let arguments = ForwardArguments(args, kwargs)
        let hidden = try arguments.tensor(0, "hidden_states", of: self)
        func project(_ name: String) throws -> Tensor {
            try Attention.splitHeads(try child(name, as: Linear.self)(hidden), headDim: config.headDim)
        }
        let (query, key, value) = (try project("query"), try project("key"), try project("value"))
        var weights = try query.matmul(try key.transpose(2, 3)) * (1 / Double(config.headDim).squareRoot())
        if let mask = arguments.optionalTensor(1, "attention_mask") { weights = try weights + mask }
        weights = try Attention.dropout(try weights.softmax(dim: -1), p: try child("dropout", as: Dropout.self).p, training: training)
        let context = try Attention.mergeHeads(try weights.matmul(value))
        return .tuple([.tensor(context), .tensor(weights)])
    }
}

/// The `dense → dropout → LayerNorm(x + residual)` tail shared by `BertSelfOutput` and `BertOutput`.
private func denseDropoutNorm(_ module: Module, _ args: [Value], _ kwargs: Kwargs) throws -> Value {
    let arguments = ForwardArguments(args, kwargs)
    var hidden = try arguments.tensor(0, "hidden_states", of: module)
    let residual = try arguments.tensor(1, "input_tensor", of: module)
    hidden = try module.child("dropout", as: Dropout.self)(try module.child("dense", as: Linear.self)(hidden))
    return .tensor(try module.child("LayerNorm", as: LayerNorm.self)(try hidden + residual))
}

/// Registers `dense`, `LayerNorm`, `dropout` in the reference order.
private func addDenseNormDropout(_ module: Module, _ inFeatures: Int, _ config: BertConfig) throws {
    try module.addModule("dense", Linear(inFeatures, config.hiddenSize))
    try module.addModule("LayerNorm", LayerNorm(config.hiddenSize, eps: config.layerNormEps))
    try module.addModule("dropout", Dropout(p: config.hiddenDropoutProb))
}

/// transformers `BertSelfOutput`: attention output projection with residual LayerNorm.
public final class BertSelfOutput: Module {
    public init(_ config: BertConfig) throws {
        super.init()
        reportFamily(self, config.family, "SelfOutput")
        try addDenseNormDropout(self, config.hiddenSize, config)
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value { try denseDropoutNorm(self, args, kwargs) }
}

/// transformers `BertAttention`: self-attention then its output block. Returns `(output, attn_weights)`.
public final class BertAttention: Module {
    public init(_ config: BertConfig) throws {
        super.init()
        reportFamily(self, config.family, "Attention")
        try addModule("self", BertSelfAttention(config))
        try addModule("output", BertSelfOutput(config))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let hidden = try ForwardArguments(args, kwargs).tensor(0, "hidden_states", of: self)
        let attended = try child("self", as: BertSelfAttention.self).call(args, kwargs: kwargs)
        let output = try child("output", as: BertSelfOutput.self)
            .call([.tensor(try attended.element(0)), .tensor(hidden)]).output()
        return .tuple([.tensor(output), .tensor(try attended.element(1))])
    }
}

/// transformers `BertIntermediate`: expansion to `intermediate_size` and the activation.
public final class BertIntermediate: Module {
    public init(_ config: BertConfig) throws {
        super.init()
        reportFamily(self, config.family, "Intermediate")
        try addModule("dense", Linear(config.hiddenSize, config.intermediateSize))
        try addModule("intermediate_act_fn", HFActivation.make(config.hiddenAct))
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        try child("intermediate_act_fn", as: Module.self)(try child("dense", as: Linear.self)(input))
    }
}

/// transformers `BertOutput`: projection back to `hidden_size` with residual LayerNorm.
public final class BertOutput: Module {
    public init(_ config: BertConfig) throws {
        super.init()
        reportFamily(self, config.family, "Output")
        try addDenseNormDropout(self, config.intermediateSize, config)
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value { try denseDropoutNorm(self, args, kwargs) }
}

/// transformers `BertLayer`: attention, intermediate, output.
public final class BertLayer: Module {
    public init(_ config: BertConfig) throws {
        super.init()
        reportFamily(self, config.family, "Layer")
        try addModule("attention", BertAttention(config))
        try addModule("intermediate", BertIntermediate(config))
        try addModule("output", BertOutput(config))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let attention = try child("attention", as: BertAttention.self).call(args, kwargs: kwargs).element(0)
        let intermediate = try child("intermediate", as: BertIntermediate.self)(attention)
        return try child("output", as: BertOutput.self).call([.tensor(intermediate), .tensor(attention)])
    }
}

/// transformers `BertEncoder`: the layer stack. Returns `{last_hidden_state}`.
public final class BertEncoder: Module {
    public init(_ config: BertConfig) throws {
        super.init()
        reportFamily(self, config.family, "Encoder")
        try addModule("layer", ModuleList(try (0..<config.numHiddenLayers).map { _ in try BertLayer(config) }))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let arguments = ForwardArguments(args, kwargs)
        var hidden = try arguments.tensor(0, "hidden_states", of: self)
        let mask = arguments.keyword("attention_mask")
        for layer in try child("layer", as: ModuleList.self).items {
            hidden = try layer.call([.tensor(hidden)], kwargs: mask.map { ["attention_mask": .tensor($0)] } ?? [:]).output()
        }
        return .dict(["last_hidden_state": .tensor(hidden)])
    }
}

/// transformers `BertPooler`: dense + tanh on the first token.
public final class BertPooler: Module {
    public init(_ config: BertConfig) throws {
        super.init()
        reportFamily(self, config.family, "Pooler")
        try addModule("dense", Linear(config.hiddenSize, config.hiddenSize))
        try addModule("activation", Tanh())
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        try child("activation", as: Tanh.self)(try child("dense", as: Linear.self)(try input.select(1, 0)))
    }
}

/// transformers `BertModel` with its pooler. Returns `{last_hidden_state, pooler_output}`.
public final class BertModel: Module {
    public let config: BertConfig

    public init(_ config: BertConfig) throws {
        self.config = config
        super.init()
        reportFamily(self, config.family, "Model")
        try addModule("embeddings", BertEmbeddings(config))
        try addModule("encoder", BertEncoder(config))
        try addModule("pooler", BertPooler(config))
        try WeightInit.huggingFace(self, std: config.initializerRange)
    }

    /// `forward(input_ids, attention_mask=None, token_type_ids=None, position_ids=None)`: the optional inputs
    /// by keyword only; a 0/1 `attention_mask` becomes the additive mask of transformers' eager attention
    /// (`finfo.min` on padded keys).
    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let arguments = ForwardArguments(args, kwargs)
        let inputIds = try arguments.tensor(0, "input_ids", of: self)
        var embeddingKwargs: Kwargs = [:]
        for name in ["token_type_ids", "position_ids"] { embeddingKwargs[name] = kwargs[name] }
        let embeddings = try child("embeddings", as: BertEmbeddings.self).call([.tensor(inputIds)], kwargs: embeddingKwargs).output()
        let mask = try Attention.additiveMask(length: inputIds.sizes[1], causal: false,
                                              attentionMask: arguments.keyword("attention_mask"), like: embeddings)
        let sequence = try child("encoder", as: BertEncoder.self)
            .call([.tensor(embeddings)], kwargs: mask.map { ["attention_mask": .tensor($0)] } ?? [:]).field("last_hidden_state")
        let pooled = try child("pooler", as: BertPooler.self)(sequence)
        return .dict(["last_hidden_state": .tensor(sequence), "pooler_output": .tensor(pooled)])
    }
}
