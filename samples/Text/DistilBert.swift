import NNModules

/// transformers `DistilBertConfig`: the fields that shape the model and its forward, with the class defaults
/// (distilbert-base-uncased).
public struct DistilBertConfig: Sendable, Equatable {
    public var vocabSize = 30522
    public var maxPositionEmbeddings = 512
    public var nLayers = 6
    public var nHeads = 12
    public var dim = 768
    public var hiddenDim = 3072
    public var dropout = 0.1
    public var attentionDropout = 0.1
    public var activation = "gelu"
    public var initializerRange = 0.02
    public var padTokenId = 0

    public init() {}

    /// The goldens' `hf/distilbert-tiny` configuration.
    public static let tiny: DistilBertConfig = {
        var c = DistilBertConfig()
        (c.vocabSize, c.maxPositionEmbeddings, c.nLayers, c.nHeads, c.dim, c.hiddenDim) = (320, 64, 2, 4, 64, 112)
        return c
    }()

    public init(json: [String: Any]) throws {
        let c = HFConfigReader(json)
        try c.requireOff("sinusoidal_pos_embds")
        vocabSize = try c.int("vocab_size", vocabSize)
        maxPositionEmbeddings = try c.int("max_position_embeddings", maxPositionEmbeddings)
        nLayers = try c.int("n_layers", nLayers)
        nHeads = try c.int("n_heads", nHeads)
        dim = try c.int("dim", dim)
        hiddenDim = try c.int("hidden_dim", hiddenDim)
        dropout = try c.double("dropout", dropout)
        attentionDropout = try c.double("attention_dropout", attentionDropout)
        activation = try c.string("activation", activation)
        initializerRange = try c.double("initializer_range", initializerRange)
        padTokenId = try c.int("pad_token_id", padTokenId)
    }
}

/// transformers' DistilBERT `Embeddings`: word + position embeddings (no token types), LayerNorm, dropout.
public final class DistilBertEmbeddings: Module {
    public init(_ config: DistilBertConfig) throws {
        super.init()
        classNameOverride = "Embeddings"
        try addModule("word_embeddings", Embedding(config.vocabSize, config.dim, paddingIdx: config.padTokenId))
        try addModule("position_embeddings", Embedding(config.maxPositionEmbeddings, config.dim))
        try addModule("LayerNorm", LayerNorm(config.dim, eps: 1e-12))
        try addModule("dropout", Dropout(p: config.dropout))
        try registerBuffer("position_ids", try Tensor.arange(0, config.maxPositionEmbeddings).expand([1, -1]), persistent: false)
    }

    /// `forward(input_ids, position_ids=None)`.
    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let arguments = ForwardArguments(args, kwargs)
        let inputIds = try arguments.tensor(0, "input_ids", of: self)
        guard let positions = buffer("position_ids") else {
            throw TorchError.attributeError("'Embeddings' object has no attribute 'position_ids'")
        }
        let positionIds = try arguments.keyword("position_ids") ?? positions.narrow(1, start: 0, length: inputIds.sizes[1])
        var embeddings = try child("word_embeddings", as: Embedding.self)(inputIds)
        embeddings = try embeddings + (try child("position_embeddings", as: Embedding.self)(positionIds))
        embeddings = try child("LayerNorm", as: LayerNorm.self)(embeddings)
        return .tensor(try child("dropout", as: Dropout.self)(embeddings))
    }
}

/// transformers `DistilBertSelfAttention` (eager): q/k/v/out projections named `q_lin`…`out_lin`.
public final class DistilBertSelfAttention: Module {
    public let config: DistilBertConfig

    public init(_ config: DistilBertConfig) throws {
        guard config.dim % config.nHeads == 0 else {
            throw TorchError.valueError("self.n_heads: \(config.nHeads) must divide self.dim: \(config.dim) evenly")
        }
        self.config = config
        super.init()
        for name in ["q_lin", "k_lin", "v_lin", "out_lin"] { try addModule(name, Linear(config.dim, config.dim)) }
        try addModule("dropout", Dropout(p: config.attentionDropout))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let arguments = ForwardArguments(args, kwargs)
        let hidden = try arguments.tensor(0, "hidden_states", of: self)
        let headDim = config.dim / config.nHeads
        func project(_ name: String) throws -> Tensor {
            try Attention.splitHeads(try child(name, as: Linear.self)(hidden), headDim: headDim)
        }
        var weights = try project("q_lin").matmul(try project("k_lin").transpose(2, 3)) * (1 / Double(headDim).squareRoot())
        if let mask = arguments.keyword("attention_mask") { weights = try weights + mask }
        weights = try Attention.dropout(try weights.softmax(dim: -1), p: try child("dropout", as: Dropout.self).p, training: training)
        let context = try Attention.mergeHeads(try weights.matmul(try project("v_lin")))
        return .tuple([.tensor(try child("out_lin", as: Linear.self)(context)), .tensor(weights)])
    }
}

/// transformers' DistilBERT `FFN`: `dropout(lin2(activation(lin1(x))))`.
public final class DistilBertFFN: Module {
    public init(_ config: DistilBertConfig) throws {
        super.init()
        classNameOverride = "FFN"
        try addModule("dropout", Dropout(p: config.dropout))
        try addModule("lin1", Linear(config.dim, config.hiddenDim))
        try addModule("lin2", Linear(config.hiddenDim, config.dim))
        try addModule("activation", HFActivation.make(config.activation))
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        let expanded = try child("activation", as: Module.self)(try child("lin1", as: Linear.self)(input))
        return try child("dropout", as: Dropout.self)(try child("lin2", as: Linear.self)(expanded))
    }
}

/// transformers' DistilBERT `TransformerBlock`: post-norm attention and feed-forward with residuals.
public final class DistilBertTransformerBlock: Module {
    public init(_ config: DistilBertConfig) throws {
        super.init()
        classNameOverride = "TransformerBlock"
        try addModule("attention", DistilBertSelfAttention(config))
        try addModule("sa_layer_norm", LayerNorm(config.dim, eps: 1e-12))
        try addModule("ffn", DistilBertFFN(config))
        try addModule("output_layer_norm", LayerNorm(config.dim, eps: 1e-12))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let hidden = try ForwardArguments(args, kwargs).tensor(0, "hidden_states", of: self)
        let attended = try child("attention", as: DistilBertSelfAttention.self).call([.tensor(hidden)], kwargs: kwargs).element(0)
        let normed = try child("sa_layer_norm", as: LayerNorm.self)(try attended + hidden)
        let fed = try child("ffn", as: DistilBertFFN.self)(normed)
        return .tensor(try child("output_layer_norm", as: LayerNorm.self)(try fed + normed))
    }
}

/// transformers' DistilBERT `Transformer`: the block stack.
public final class DistilBertTransformer: Module {
    public init(_ config: DistilBertConfig) throws {
        super.init()
        classNameOverride = "Transformer"
        try addModule("layer", ModuleList(try (0..<config.nLayers).map { _ in try DistilBertTransformerBlock(config) }))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        var hidden = try ForwardArguments(args, kwargs).tensor(0, "hidden_states", of: self)
        for block in try child("layer", as: ModuleList.self).items {
            hidden = try block.call([.tensor(hidden)], kwargs: kwargs.filter { $0.key == "attention_mask" }).output()
        }
        return .dict(["last_hidden_state": .tensor(hidden)])
    }
}

/// transformers `DistilBertModel`. `forward(input_ids, attention_mask=None, position_ids=None)`, the optional
/// inputs by keyword; returns `{last_hidden_state}`.
public final class DistilBertModel: Module {
    public let config: DistilBertConfig

    public init(_ config: DistilBertConfig) throws {
        self.config = config
        super.init()
        try addModule("embeddings", DistilBertEmbeddings(config))
        try addModule("transformer", DistilBertTransformer(config))
        try WeightInit.huggingFace(self, std: config.initializerRange)
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let arguments = ForwardArguments(args, kwargs)
        let inputIds = try arguments.tensor(0, "input_ids", of: self)
        let embeddings = try child("embeddings", as: DistilBertEmbeddings.self)
            .call([.tensor(inputIds)], kwargs: kwargs.filter { $0.key == "position_ids" }).output()
        let mask = try Attention.additiveMask(length: inputIds.sizes[1], causal: false,
                                              attentionMask: arguments.keyword("attention_mask"), like: embeddings)
        return try child("transformer", as: DistilBertTransformer.self)
            .call([.tensor(embeddings)], kwargs: mask.map { ["attention_mask": .tensor($0)] } ?? [:])
    }
}
