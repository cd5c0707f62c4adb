import NNModules

/// transformers `ViTConfig`: the fields that shape the model and its forward, with the class defaults
/// (google/vit-base-patch16-224; transformers' ViT defaults both dropouts to 0, unlike BERT).
public struct ViTConfig: Sendable, Equatable {
    public var hiddenSize = 768
    public var numHiddenLayers = 12
    public var numAttentionHeads = 12
    public var intermediateSize = 3072
    public var hiddenAct = "gelu"
    public var hiddenDropoutProb = 0.0
    public var attentionProbsDropoutProb = 0.0
    public var initializerRange = 0.02
    public var layerNormEps = 1e-12
    public var imageSize = 224
    public var patchSize = 16
    public var numChannels = 3
    public var qkvBias = true
    /// `PretrainedConfig.num_labels`: the size of `id2label` when present, else `num_labels`, else 2.
    public var numLabels = 2

    public init() {}

    public init(json: [String: Any]) throws {
        let c = HFConfigReader(json)
        hiddenSize = try c.int("hidden_size", hiddenSize)
        numHiddenLayers = try c.int("num_hidden_layers", numHiddenLayers)
        numAttentionHeads = try c.int("num_attention_heads", numAttentionHeads)
        intermediateSize = try c.int("intermediate_size", intermediateSize)
        hiddenAct = try c.string("hidden_act", hiddenAct)
        hiddenDropoutProb = try c.double("hidden_dropout_prob", hiddenDropoutProb)
        attentionProbsDropoutProb = try c.double("attention_probs_dropout_prob", attentionProbsDropoutProb)
        initializerRange = try c.double("initializer_range", initializerRange)
        layerNormEps = try c.double("layer_norm_eps", layerNormEps)
        imageSize = try c.int("image_size", imageSize)
        patchSize = try c.int("patch_size", patchSize)
        numChannels = try c.int("num_channels", numChannels)
        qkvBias = try c.bool("qkv_bias", qkvBias)
        numLabels = try c.dictionary("id2label")?.values.count ?? c.int("num_labels", numLabels)
    }

    /// google/vit-base-patch16-224 (ImageNet-1k head).
    public static let base: ViTConfig = {
        var c = ViTConfig()
        c.numLabels = 1000
        return c
    }()

    /// The tests' tiny configuration: width 32, 2 layers of 2 heads, 32×32 images in 8×8 patches.
    public static let tiny: ViTConfig = {
        var c = ViTConfig()
        (c.hiddenSize, c.numHiddenLayers, c.numAttentionHeads, c.intermediateSize) = (32, 2, 2, 64)
        (c.imageSize, c.patchSize) = (32, 8)
        return c
    }()

    var headDim: Int { hiddenSize / numAttentionHeads }
    /// Patches per image, plus the class token, give the sequence length.
    var numPatches: Int { (imageSize / patchSize) * (imageSize / patchSize) }
    /// `pixel_values` of one image the size the model was configured for.
    public var pixelValuesShape: [Int] { [1, numChannels, imageSize, imageSize] }
}

/// A model whose main input is `pixel_values` (transformers' `main_input_name`), so the loaders feed it an
/// image rather than token ids.
public protocol PixelValuesModel: Module {
    /// The shape of one sample image, `[1, channels, height, width]`.
    var pixelValuesShape: [Int] { get }
}
