import NNModules

/// transformers `ViTSelfAttention` (eager): separate q/k/v projections (biased unless `qkv_bias` is off),
/// softmax attention computed in float32 as the reference does. Returns `(context,)`.
public final class ViTSelfAttention: Module {
    public let config: ViTConfig

    public init(_ config: ViTConfig) throws {
        guard config.hiddenSize % config.numAttentionHeads == 0 else {
            throw TorchError.valueError("The hidden size \(config.hiddenSize) is not a multiple of the number of attention heads \(config.numAttentionHeads).")
        }
        self.config = config
        super.init()
        for name in ["query", "key", "value"] {
            try addModule(name, Linear(config.hiddenSize, config.hiddenSize, bias: config.qkvBias))
        }
        try addModule("dropout", Dropout(p: config.attentionProbsDropoutProb))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let hidden = try ForwardArguments(args, kwargs).tensor(0, "hidden_states", of: self)
        func project(_ name: String) throws -> Tensor {
            try Attention.splitHeads(try child(name, as: Linear.self)(hidden), headDim: config.headDim)
        }
        // The reference projects key and value before query: hooks and profiles see that order.
        let (key, value, query) = (try project("key"), try project("value"), try project("query"))
        let scores = try query.matmul(try key.transpose(2, 3)) * (1 / Double(config.headDim).squareRoot())
        var weights = try scores.to(dtype: .float32).softmax(dim: -1).to(dtype: query.dtype)
        weights = try Attention.dropout(weights, p: try child("dropout", as: Dropout.self).p, training: training)
        return .tuple([.tensor(try Attention.mergeHeads(try weights.matmul(value)))])
    }
}

extension ViTSelfAttention: FunctionalMACs {
    public func functionalMACs(inputs: [Value], output: Value) -> Int {
        selfAttentionMACs(inputs.first?.tensor, width: config.hiddenSize)
    }
}

/// `dense → dropout`, the start of both `ViTSelfOutput` and `ViTOutput`.
private func denseDropout(_ module: Module, _ args: [Value], _ kwargs: Kwargs) throws -> Tensor {
    let hidden = try ForwardArguments(args, kwargs).tensor(0, "hidden_states", of: module)
    return try module.child("dropout", as: Dropout.self)(try module.child("dense", as: Linear.self)(hidden))
}

/// transformers `ViTSelfOutput`: the attention output projection. It takes the residual `input_tensor` like
/// BERT's but ignores it: with pre-norm layers the residual is added in `ViTLayer`.
public final class ViTSelfOutput: Module {
    public init(_ config: ViTConfig) throws {
        super.init()
        try addModule("dense", Linear(config.hiddenSize, config.hiddenSize))
        try addModule("dropout", Dropout(p: config.hiddenDropoutProb))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        .tensor(try denseDropout(self, args, kwargs))
    }
}

/// transformers `ViTAttention`: self-attention (child `attention`) then its output block. Returns `(output,)`.
public final class ViTAttention: Module {
    public init(_ config: ViTConfig) throws {
        super.init()
        try addModule("attention", ViTSelfAttention(config))
        try addModule("output", ViTSelfOutput(config))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let hidden = try ForwardArguments(args, kwargs).tensor(0, "hidden_states", of: self)
        let context = try child("attention", as: ViTSelfAttention.self).call([.tensor(hidden)]).element(0)
        let output = try child("output", as: ViTSelfOutput.self).call([.tensor(context), .tensor(hidden)]).output()
        return .tuple([.tensor(output)])
    }
}

/// transformers `ViTIntermediate`: expansion to `intermediate_size` and the activation.
public final class ViTIntermediate: Module {
    public init(_ config: ViTConfig) throws {
        super.init()
        try addModule("dense", Linear(config.hiddenSize, config.intermediateSize))
        try addModule("intermediate_act_fn", HFActivation.make(config.hiddenAct))
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        try child("intermediate_act_fn", as: Module.self)(try child("dense", as: Linear.self)(input))
    }
}

/// transformers `ViTOutput`: projection back to `hidden_size` plus the second residual (no LayerNorm:
/// ViT normalizes before each block).
public final class ViTOutput: Module {
    public init(_ config: ViTConfig) throws {
        super.init()
        try addModule("dense", Linear(config.intermediateSize, config.hiddenSize))
        try addModule("dropout", Dropout(p: config.hiddenDropoutProb))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let residual = try ForwardArguments(args, kwargs).tensor(1, "input_tensor", of: self)
        return .tensor(try denseDropout(self, args, kwargs) + residual)
    }
}

/// transformers `ViTLayer` (timm's `Block`): pre-norm attention and MLP, each with a residual. Returns `(output,)`.
public final class ViTLayer: Module {
    public init(_ config: ViTConfig) throws {
        super.init()
        try addModule("attention", ViTAttention(config))
        try addModule("intermediate", ViTIntermediate(config))
        try addModule("output", ViTOutput(config))
        try addModule("layernorm_before", LayerNorm(config.hiddenSize, eps: config.layerNormEps))
        try addModule("layernorm_after", LayerNorm(config.hiddenSize, eps: config.layerNormEps))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let input = try ForwardArguments(args, kwargs).tensor(0, "hidden_states", of: self)
        let normed = try child("layernorm_before", as: LayerNorm.self)(input)
        let attended = try child("attention", as: ViTAttention.self).call([.tensor(normed)]).element(0)
        let hidden = try attended + input
        let expanded = try child("intermediate", as: ViTIntermediate.self)(try child("layernorm_after", as: LayerNorm.self)(hidden))
        let output = try child("output", as: ViTOutput.self).call([.tensor(expanded), .tensor(hidden)]).output()
        return .tuple([.tensor(output)])
    }
}

/// transformers `ViTEncoder`: the layer stack. Returns `{last_hidden_state}`.
public final class ViTEncoder: Module {
    public init(_ config: ViTConfig) throws {
        super.init()
        try addModule("layer", ModuleList(try (0..<config.numHiddenLayers).map { _ in try ViTLayer(config) }))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        var hidden = try ForwardArguments(args, kwargs).tensor(0, "hidden_states", of: self)
        for layer in try child("layer", as: ModuleList.self).items {
            hidden = try layer.call([.tensor(hidden)]).element(0)
        }
        return .dict(["last_hidden_state": .tensor(hidden)])
    }
}
