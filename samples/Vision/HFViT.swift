import NNModules

/// transformers `ViTPatchEmbeddings`: non-overlapping patches projected by a strided convolution,
/// `[batch, channels, H, W]` → `[batch, patches, hidden]`.
public final class ViTPatchEmbeddings: Module {
    public let config: ViTConfig

    public init(_ config: ViTConfig) throws {
        self.config = config
        super.init()
        try addModule("projection", Conv2d(config.numChannels, config.hiddenSize, kernelSize: .int(config.patchSize),
                                           stride: .int(config.patchSize)))
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank == 4 else {
            throw TorchError.valueError("pixel_values should be (batch_size, num_channels, height, width), got \(torchSize(input.sizes))")
        }
        guard input.sizes[1] == config.numChannels else {
            throw TorchError.valueError("Make sure that the channel dimension of the pixel values match with the one set in the configuration. Expected \(config.numChannels) but got \(input.sizes[1]).")
        }
        let (height, width) = (input.sizes[2], input.sizes[3])
        guard height == config.imageSize, width == config.imageSize else {
            throw TorchError.valueError("Input image size (\(height)*\(width)) doesn't match model (\(config.imageSize)*\(config.imageSize)).")
        }
        return try child("projection", as: Conv2d.self)(input).flatten(startDim: 2).transpose(1, 2)
    }
}

/// transformers `ViTEmbeddings`: the class token prepended to the patch embeddings, learned position
/// embeddings added, dropout. The two parameters are registered around the `patch_embeddings` child as in
/// the reference; both are drawn from N(0, initializer_range) like `_init_weights` does (its truncation at
/// ±2 lies 100σ out, so it never cuts).
public final class ViTEmbeddings: Module {
    public init(_ config: ViTConfig) throws {
        super.init()
        try registerParameter("cls_token", Parameter(Tensor.empty([1, 1, config.hiddenSize])))
        try addModule("patch_embeddings", ViTPatchEmbeddings(config))
        try registerParameter("position_embeddings", Parameter(Tensor.empty([1, config.numPatches + 1, config.hiddenSize])))
        try addModule("dropout", Dropout(p: config.hiddenDropoutProb))
        for name in ["cls_token", "position_embeddings"] { try parameter(name)?.normal_(mean: 0, std: config.initializerRange) }
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let pixelValues = try ForwardArguments(args, kwargs).tensor(0, "pixel_values", of: self)
        guard let classToken = parameter("cls_token"), let positions = parameter("position_embeddings") else {
            throw TorchError.attributeError("'ViTEmbeddings' object has no attribute 'cls_token'")
        }
        let patches = try child("patch_embeddings", as: ViTPatchEmbeddings.self)(pixelValues)
        let classTokens = try classToken.expand([patches.sizes[0], -1, -1])
        let embeddings = try Tensor.cat([classTokens, patches], dim: 1) + positions
        return .tensor(try child("dropout", as: Dropout.self)(embeddings))
    }
}

/// transformers `ViTPooler`: dense + tanh on the class token.
public final class ViTPooler: Module {
    public init(_ config: ViTConfig) throws {
        super.init()
        try addModule("dense", Linear(config.hiddenSize, config.hiddenSize))
        try addModule("activation", Tanh())
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        try child("activation", as: Tanh.self)(try child("dense", as: Linear.self)(try input.select(1, 0)))
    }
}

/// transformers `ViTModel`: embeddings, encoder, final LayerNorm and (unless built as a head's backbone)
/// the pooler. Returns `{last_hidden_state, pooler_output}`, without `pooler_output` when there is no pooler.
public final class ViTModel: Module, PixelValuesModel {
    public let config: ViTConfig

    public init(_ config: ViTConfig, addPoolingLayer: Bool = true) throws {
        self.config = config
        super.init()
        try addModule("embeddings", ViTEmbeddings(config))
        try addModule("encoder", ViTEncoder(config))
        try addModule("layernorm", LayerNorm(config.hiddenSize, eps: config.layerNormEps))
        if addPoolingLayer { try addModule("pooler", ViTPooler(config)) }
        try WeightInit.huggingFace(self, std: config.initializerRange)
    }

    public var pixelValuesShape: [Int] { config.pixelValuesShape }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        guard let pixels = ForwardArguments(args, kwargs).optionalTensor(0, "pixel_values") else {
            throw TorchError.valueError("You have to specify pixel_values")
        }
        let embeddings = try child("embeddings", as: ViTEmbeddings.self)
        // The reference casts the input to the weights' dtype (images arrive as float32 for half models).
        let dtype = try embeddings.getParameter("patch_embeddings.projection.weight").dtype
        let embedded = try embeddings.call([.tensor(try pixels.to(dtype: dtype))]).output()
        let encoded = try child("encoder", as: ViTEncoder.self).call([.tensor(embedded)]).field("last_hidden_state")
        let sequence = try child("layernorm", as: LayerNorm.self)(encoded)
        guard let pooler = child("pooler") else { return .dict(["last_hidden_state": .tensor(sequence)]) }
        return .dict(["last_hidden_state": .tensor(sequence), "pooler_output": .tensor(try pooler(sequence))])
    }
}

/// transformers `ViTForImageClassification`: `ViTModel` without pooler under `vit`, and a linear `classifier`
/// on the class token (`Identity` when the config has no labels). Returns `{logits}`.
public final class ViTForImageClassification: Module, PixelValuesModel {
    public let config: ViTConfig

    public init(_ config: ViTConfig) throws {
        self.config = config
        super.init()
        try addModule("vit", ViTModel(config, addPoolingLayer: false))
        let classifier: Module = config.numLabels > 0 ? Linear(config.hiddenSize, config.numLabels) : Identity()
        try addModule("classifier", classifier)
        try WeightInit.huggingFace(classifier, std: config.initializerRange)
    }

    public var pixelValuesShape: [Int] { config.pixelValuesShape }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        let sequence = try child("vit", as: ViTModel.self).call(args, kwargs: kwargs).field("last_hidden_state")
        let logits = try child("classifier", as: Module.self)(try sequence.select(1, 0))
        return .dict(["logits": .tensor(logits)])
    }
}
