import Foundation

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
        if let maxNorm { try renormalizeRows(weight, indices: input, maxNorm: maxNorm) }
        return try Tensor.embedding(input, weight: weight, paddingIdx: paddingIdx)
    }
}

extension Embedding {
    /// torch.embedding_renorm_: every row looked up whose `norm_type`-norm exceeds `max_norm` is scaled in
    /// place to `max_norm / (norm + 1e-7)` of itself, before the lookup (so the output already sees it).
    private func renormalizeRows(_ weight: Tensor, indices: Tensor, maxNorm: Double) throws {
        if weight.isMeta || indices.isMeta { return }
        // F.embedding runs the renormalization under torch.no_grad().
        try GradMode.noGrad { try renormalizeRowsValues(weight, indices: indices, maxNorm: maxNorm) }
    }

    private func renormalizeRowsValues(_ weight: Tensor, indices: Tensor, maxNorm: Double) throws {
        let rows = weight.sizes[0]
        for index in Set(try indices.toDoubles().map { Int($0) }) where index >= 0 && index < rows {
            let row = try weight.select(0, index)
            let magnitudes = try row.toDoubles().map(Swift.abs)
            let norm: Double = switch normType {
            case .infinity: magnitudes.max() ?? 0
            case 0: Double(magnitudes.filter { $0 != 0 }.count)
            default: Foundation.pow(magnitudes.reduce(0) { $0 + Foundation.pow($1, normType) }, 1 / normType)
            }
            if norm > maxNorm { try row.copy_(try row * (maxNorm / (norm + 1e-7))) }
        }
    }
}
