/// torch.nn.Embedding: a lookup table of `num_embeddings` rows.
public final class Embedding: Module {
    public let numEmbeddings: Int, embeddingDim: Int
    public let paddingIdx: Int?
    public let maxNorm: Double?
    public let normType: Double
    public let scaleGradByFreq: Bool
    public let sparse: Bool

    public init(_ numEmbeddings: Int, _ embeddingDim: Int, paddingIdx: Int? = nil, maxNorm: Double? = nil,
                normType: Double = 2, scaleGradByFreq: Bool = false, sparse: Bool = false,
                device: Device? = nil, dtype: DType? = nil) throws {
        var padding = paddingIdx
        if let p = paddingIdx {
            guard p < numEmbeddings, p >= -numEmbeddings else {
                throw TorchError.assertionError(p >= 0 ? "Padding_idx must be within num_embeddings" : "Padding_idx must be within num_embeddings")
            }
            if p < 0 { padding = p + numEmbeddings }
        }
        self.numEmbeddings = numEmbeddings
        self.embeddingDim = embeddingDim
        self.paddingIdx = padding
        self.maxNorm = maxNorm
        self.normType = normType
        self.scaleGradByFreq = scaleGradByFreq
        self.sparse = sparse
        super.init()
        let weight = Tensor.empty([numEmbeddings, embeddingDim], dtype: dtype, device: device)
        weight.normalUnchecked(mean: 0, std: 1)
        if let padding, !weight.isMeta { try weight.select(0, padding).fill_(0) }
        _parameters["weight"] = .some(Parameter(weight))
    }

    public var weight: Parameter? { parameter("weight") }

    override public func extraRepr() -> String {
        var s = "\(numEmbeddings), \(embeddingDim)"
        if let paddingIdx { s += ", padding_idx=\(paddingIdx)" }
        if let maxNorm { s += ", max_norm=\(pythonFloat(maxNorm))" }
        if normType != 2 { s += ", norm_type=\(pythonFloat(normType))" }
        if scaleGradByFreq { s += ", scale_grad_by_freq=True" }
        if sparse { s += ", sparse=True" }
        return s
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        guard let weight else { throw TorchError.attributeError("'Embedding' object has no attribute 'weight'") }
        return try Tensor.embedding(input, weight: weight)
    }
}
