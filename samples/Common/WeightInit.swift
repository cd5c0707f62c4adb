import NNModules

/// The `torch.nn.init` schemes the reference constructors apply after building their layers (torchvision's
/// ResNet/MobileNetV2 loops, Hugging Face's `_init_weights`). They draw from the default generator and do
/// nothing on the meta device, so huge configurations stay free to build.
enum WeightInit {
    /// `nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")`.
    static func kaimingNormalFanOut(_ weight: Tensor) throws {
        let fanOut = Init.fans(weight).fanOut
        try weight.normal_(mean: 0, std: 2.0.squareRoot() / Double(fanOut).squareRoot())
    }

    /// `nn.init.xavier_uniform_(w)`.
    static func xavierUniform(_ weight: Tensor) throws {
        let (fanIn, fanOut) = Init.fans(weight)
        let bound = (6.0 / Double(fanIn + fanOut)).squareRoot()
        try weight.uniform_(-bound, bound)
    }

    /// Hugging Face's `_init_weights` for Linear / Conv1D / Conv2d (ViT's patch projection) / Embedding:
    /// normal(0, std) weights, zero biases, a zero padding row (LayerNorm and RMSNorm keep their ones and
    /// zeros). A tied weight is drawn once.
    static func huggingFace(_ model: Module, std: Double) throws {
        var drawn = Set<ObjectIdentifier>()
        func normal(_ weight: Tensor?) throws {
            guard let weight, drawn.insert(ObjectIdentifier(weight)).inserted else { return }
            try weight.normal_(mean: 0, std: std)
        }
        for module in model.modules() {
            switch module {
            case let linear as Linear:
                try normal(linear.weight)
                try linear.bias?.zero_()
            case let conv as Conv1D:
                try normal(conv.parameter("weight"))
                try conv.parameter("bias")?.zero_()
            case let conv as Conv2d:
                try normal(conv.weight)
                try conv.bias?.zero_()
            case let embedding as Embedding:
                try normal(embedding.weight)
                if let pad = embedding.paddingIdx, let weight = embedding.weight, !weight.isMeta {
                    try weight.select(0, pad).zero_()
                }
            default:
                continue
            }
        }
    }
}
