/// torch.nn.MultiheadAttention (parameter layout of PyTorch: packed `in_proj_weight` when query, key
/// and value share the embedding size, separate projections otherwise).
public final class MultiheadAttention: Module {
    public let embedDim: Int, numHeads: Int, kdim: Int, vdim: Int
    public let dropout: Double
    public let batchFirst: Bool
    /// torch: `add_zero_attn` — a zero key/value appended to every sequence.
    public let addZeroAttn: Bool

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
        self.addZeroAttn = addZeroAttn
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
