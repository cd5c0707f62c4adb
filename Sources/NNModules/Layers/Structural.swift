/// Layers whose structure (parameters, names, repr) nntop reproduces already but whose forward pass is
/// computed by the compute issue (#3): calling them says so.

/// torch.nn.Upsample.
public final class Upsample: Module {
    public let size: [Int]?
    public let scaleFactor: Double?
    public let mode: String
    public let alignCorners: Bool?

    public init(size: [Int]? = nil, scaleFactor: Double? = nil, mode: String = "nearest", alignCorners: Bool? = nil) {
        self.size = size
        self.scaleFactor = scaleFactor
        self.mode = mode
        self.alignCorners = alignCorners
        super.init()
    }

    override public func extraRepr() -> String {
        let info = scaleFactor.map { "scale_factor=" + pythonFloat($0) } ?? "size=" + (size.map(pythonTuple) ?? "None")
        return info + ", mode=" + pythonStringRepr(mode)
    }

    override public func forward(_ input: Tensor) throws -> Tensor { throw notComputedYet("Upsample") }
}

/// torch.nn.MultiheadAttention (parameter layout of PyTorch: packed `in_proj_weight` when query, key
/// and value share the embedding size, separate projections otherwise).
public final class MultiheadAttention: Module {
    public let embedDim: Int, numHeads: Int, kdim: Int, vdim: Int
    public let dropout: Double
    public let batchFirst: Bool

    public init(_ embedDim: Int, _ numHeads: Int, dropout: Double = 0, bias: Bool = true, addBiasKV: Bool = false,
                addZeroAttn: Bool = false, kdim: Int? = nil, vdim: Int? = nil, batchFirst: Bool = false,
                device: Device? = nil, dtype: DType? = nil) throws {
        guard numHeads > 0, embedDim % numHeads == 0 else { throw TorchError.assertionError("embed_dim must be divisible by num_heads") }
        self.embedDim = embedDim
        self.numHeads = numHeads
        self.kdim = kdim ?? embedDim
        self.vdim = vdim ?? embedDim
        self.dropout = dropout
        self.batchFirst = batchFirst
        super.init()
        func param(_ shape: [Int]) -> Parameter { Parameter(Tensor.empty(shape, dtype: dtype, device: device)) }
        let sameDim = self.kdim == embedDim && self.vdim == embedDim
        if !sameDim {
            _parameters["q_proj_weight"] = .some(param([embedDim, embedDim]))
            _parameters["k_proj_weight"] = .some(param([embedDim, self.kdim]))
            _parameters["v_proj_weight"] = .some(param([embedDim, self.vdim]))
            _parameters["in_proj_weight"] = .some(nil)
        } else {
            _parameters["in_proj_weight"] = .some(param([3 * embedDim, embedDim]))
            _parameters["q_proj_weight"] = .some(nil)
            _parameters["k_proj_weight"] = .some(nil)
            _parameters["v_proj_weight"] = .some(nil)
        }
        _parameters["in_proj_bias"] = .some(bias ? param([3 * embedDim]) : nil)
        _modules["out_proj"] = .some(NonDynamicallyQuantizableLinear(embedDim, embedDim, bias: bias, device: device, dtype: dtype))
        if addBiasKV {
            _parameters["bias_k"] = .some(param([1, 1, embedDim]))
            _parameters["bias_v"] = .some(param([1, 1, embedDim]))
        } else {
            plainAttributes["bias_k"] = Value.none
            plainAttributes["bias_v"] = Value.none
        }
        for name in ["in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight"] {
            if let p = parameter(name) { xavierUniform(p) }
        }
        try parameter("in_proj_bias")?.zero_()
        try (child("out_proj") as? Linear)?.bias?.zero_()
        for name in ["bias_k", "bias_v"] { if let p = parameter(name) { xavierNormal(p) } }
    }

    private func xavierUniform(_ t: Tensor) {
        let (fanIn, fanOut) = Init.fans(t)
        let a = (6.0 / Double(fanIn + fanOut)).squareRoot()
        t.uniformUnchecked(-a, a)
    }

    private func xavierNormal(_ t: Tensor) {
        let (fanIn, fanOut) = Init.fans(t)
        t.normalUnchecked(mean: 0, std: (2.0 / Double(fanIn + fanOut)).squareRoot())
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value { try multiheadAttentionForward(args, kwargs: kwargs) }
}

/// torch.nn.TransformerEncoderLayer (post-norm by default); the activation is functional, not a child.
public final class TransformerEncoderLayer: Module {
    public let normFirst: Bool

    public init(dModel: Int, nhead: Int, dimFeedforward: Int = 2048, dropout: Double = 0.1, layerNormEps: Double = 1e-5,
                batchFirst: Bool = false, normFirst: Bool = false, bias: Bool = true,
                device: Device? = nil, dtype: DType? = nil) throws {
        self.normFirst = normFirst
        super.init()
        try addModule("self_attn", MultiheadAttention(dModel, nhead, dropout: dropout, bias: bias, batchFirst: batchFirst, device: device, dtype: dtype))
        try addModule("linear1", Linear(dModel, dimFeedforward, bias: bias, device: device, dtype: dtype))
        try addModule("dropout", Dropout(p: dropout))
        try addModule("linear2", Linear(dimFeedforward, dModel, bias: bias, device: device, dtype: dtype))
        try addModule("norm1", LayerNorm(dModel, eps: layerNormEps, bias: bias, device: device, dtype: dtype))
        try addModule("norm2", LayerNorm(dModel, eps: layerNormEps, bias: bias, device: device, dtype: dtype))
        try addModule("dropout1", Dropout(p: dropout))
        try addModule("dropout2", Dropout(p: dropout))
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value { throw notComputedYet("TransformerEncoderLayer") }
}
