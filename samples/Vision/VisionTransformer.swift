import NNModules

/// torchvision `MLPBlock`: Linear, GELU, Dropout, Linear, Dropout as children `0`..`4` (torchvision's `MLP`,
/// an `nn.Sequential`), xavier-uniform weights and near-zero normal biases.
public final class MLPBlock: SequentialBlock {
    /// torchvision bumped it when the children were renamed from `linear_1`... to `0`...
    override public class var version: Int { 2 }

    public init(_ inDim: Int, _ mlpDim: Int, dropout: Double) throws {
        let fc1 = Linear(inDim, mlpDim), fc2 = Linear(mlpDim, inDim)
        try super.init([fc1, try GELU(), try Dropout(p: dropout), fc2, try Dropout(p: dropout)])
        for linear in [fc1, fc2] {
            if let weight = linear.weight { try WeightInit.xavierUniform(weight) }
            try linear.bias?.normal_(mean: 0, std: 1e-6)
        }
    }
}

/// torchvision `EncoderBlock`: pre-norm self-attention and MLP, each with a residual connection.
public final class EncoderBlock: Module {
    public let numHeads: Int

    public init(numHeads: Int, hiddenDim: Int, mlpDim: Int, dropout: Double, attentionDropout: Double) throws {
        self.numHeads = numHeads
        super.init()
        try addModule("ln_1", LayerNorm(hiddenDim, eps: 1e-6))
        try addModule("self_attention", MultiheadAttention(hiddenDim, numHeads, dropout: attentionDropout, batchFirst: true))
        try addModule("dropout", Dropout(p: dropout))
        try addModule("ln_2", LayerNorm(hiddenDim, eps: 1e-6))
        try addModule("mlp", MLPBlock(hiddenDim, mlpDim, dropout: dropout))
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank == 3 else {
            throw TorchError.assertionError("Expected (batch_size, seq_length, hidden_dim) got \(torchSize(input.sizes))")
        }
        var x = try child("ln_1", as: LayerNorm.self)(input)
        let attention = try child("self_attention", as: MultiheadAttention.self)
            .call([.tensor(x), .tensor(x), .tensor(x)], kwargs: ["need_weights": .bool(false)])
        guard case .tuple(let outputs) = attention, let attended = outputs.first?.tensor else {
            throw TorchError.typeError("MultiheadAttention returned \(attention.typeName), expected a tuple")
        }
        x = try child("dropout", as: Dropout.self)(attended)
        x = try x + input
        let y = try child("mlp", as: MLPBlock.self)(try child("ln_2", as: LayerNorm.self)(x))
        return try x + y
    }
}

/// torchvision `Encoder`: learned position embedding, dropout, the `encoder_layer_i` blocks, final LayerNorm.
public final class Encoder: Module {
    public init(seqLength: Int, numLayers: Int, numHeads: Int, hiddenDim: Int, mlpDim: Int, dropout: Double,
                attentionDropout: Double) throws {
        super.init()
        let position = Tensor.empty([1, seqLength, hiddenDim])
        try position.normal_(mean: 0, std: 0.02)
        try registerParameter("pos_embedding", Parameter(position))
        try addModule("dropout", Dropout(p: dropout))
        try addModule("layers", Sequential(named: (0..<numLayers).map { i in
            ("encoder_layer_\(i)", try EncoderBlock(numHeads: numHeads, hiddenDim: hiddenDim, mlpDim: mlpDim,
                                                    dropout: dropout, attentionDropout: attentionDropout) as Module)
        }))
        try addModule("ln", LayerNorm(hiddenDim, eps: 1e-6))
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        guard let position = parameter("pos_embedding") else {
            throw TorchError.attributeError("'Encoder' object has no attribute 'pos_embedding'")
        }
        let x = try child("dropout", as: Dropout.self)(try input + position)
        return try child("ln", as: LayerNorm.self)(try child("layers", as: Sequential.self)(x))
    }
}

/// torchvision `VisionTransformer`: 16×16 patches projected by a strided convolution, a class token,
/// the encoder, and the classification head on the class token.
public final class VisionTransformer: Module {
    public let imageSize: Int, patchSize: Int, hiddenDim: Int

    public init(imageSize: Int, patchSize: Int, numLayers: Int, numHeads: Int, hiddenDim: Int, mlpDim: Int,
                dropout: Double = 0, attentionDropout: Double = 0, numClasses: Int = 1000) throws {
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.hiddenDim = hiddenDim
        super.init()
        let convProj = try Conv2d(3, hiddenDim, kernelSize: .int(patchSize), stride: .int(patchSize))
        try addModule("conv_proj", convProj)
        try registerParameter("class_token", Parameter(Tensor.zeros([1, 1, hiddenDim])))
        let seqLength = (imageSize / patchSize) * (imageSize / patchSize) + 1
        try addModule("encoder", Encoder(seqLength: seqLength, numLayers: numLayers, numHeads: numHeads, hiddenDim: hiddenDim,
                                         mlpDim: mlpDim, dropout: dropout, attentionDropout: attentionDropout))
        let head = Linear(hiddenDim, numClasses)
        try addModule("heads", Sequential(named: [("head", head)]))
        // trunc_normal_(std=sqrt(1/fan_in)) cut at ±2: with std ≈ 0.036 the cut lies ~55σ out, so it is the normal.
        try convProj.weight?.normal_(mean: 0, std: (1 / Double(3 * patchSize * patchSize)).squareRoot())
        try convProj.bias?.zero_()
        try head.weight?.zero_()
        try head.bias?.zero_()
    }

    /// torchvision `_process_input`: [N, 3, H, W] → patch embeddings [N, (H/p)·(W/p), hidden].
    private func processInput(_ x: Tensor) throws -> Tensor {
        guard x.rank == 4, x.sizes[2] == imageSize, x.sizes[3] == imageSize else {
            throw TorchError.assertionError("Wrong image size! Expected \(imageSize) but got \(x.rank == 4 ? x.sizes[2] : 0)!")
        }
        let n = x.sizes[0], patches = (imageSize / patchSize) * (imageSize / patchSize)
        let projected = try child("conv_proj", as: Conv2d.self)(x)
        return try projected.reshape([n, hiddenDim, patches]).permute([0, 2, 1])
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        guard let classToken = parameter("class_token") else {
            throw TorchError.attributeError("'VisionTransformer' object has no attribute 'class_token'")
        }
        var x = try processInput(input)
        let batchClassToken = try classToken.expand([x.sizes[0], -1, -1])
        x = try Tensor.cat([batchClassToken, x], dim: 1)
        x = try child("encoder", as: Encoder.self)(x)
        return try child("heads", as: Sequential.self)(try x.select(1, 0))
    }

    /// torchvision `vit_b_16()`: ViT-Base, 16×16 patches, 224×224 images.
    public static func vitB16() throws -> VisionTransformer {
        try VisionTransformer(imageSize: 224, patchSize: 16, numLayers: 12, numHeads: 12, hiddenDim: 768, mlpDim: 3072)
    }
}
