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

/// torch.nn.RNNBase: LSTM, GRU and RNN share the per-layer, per-direction parameter naming
/// (`weight_ih_l0`, `bias_hh_l1_reverse`, ...).
open class RNNBase: Module {
    public let mode: String
    public let inputSize: Int, hiddenSize: Int, numLayers: Int, projSize: Int
    public let bias: Bool, batchFirst: Bool, bidirectional: Bool
    public let dropout: Double

    init(mode: String, inputSize: Int, hiddenSize: Int, numLayers: Int, bias: Bool, batchFirst: Bool, dropout: Double,
         bidirectional: Bool, projSize: Int, device: Device?, dtype: DType?) throws {
        guard dropout >= 0, dropout <= 1 else {
            throw TorchError.valueError("dropout should be a number in range [0, 1] representing the probability of an element being zeroed")
        }
        guard hiddenSize > 0 else { throw TorchError.valueError("hidden_size must be greater than zero") }
        guard numLayers > 0 else { throw TorchError.valueError("num_layers must be greater than zero") }
        self.mode = mode
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.projSize = projSize
        self.bias = bias
        self.batchFirst = batchFirst
        self.bidirectional = bidirectional
        self.dropout = dropout
        super.init()
        let gates = ["LSTM": 4, "GRU": 3].first { $0.key == mode }?.value ?? 1
        let realHidden = projSize > 0 ? projSize : hiddenSize
        let directions = bidirectional ? 2 : 1
        let bound = 1 / Double(hiddenSize).squareRoot()
        for layer in 0..<numLayers {
            for direction in 0..<directions {
                let layerInput = layer == 0 ? inputSize : realHidden * directions
                let suffix = direction == 1 ? "_reverse" : ""
                var shapes: [(String, [Int])] = [("weight_ih_l\(layer)\(suffix)", [gates * hiddenSize, layerInput]),
                                                 ("weight_hh_l\(layer)\(suffix)", [gates * hiddenSize, realHidden])]
                if bias {
                    shapes += [("bias_ih_l\(layer)\(suffix)", [gates * hiddenSize]), ("bias_hh_l\(layer)\(suffix)", [gates * hiddenSize])]
                }
                if projSize > 0 { shapes.append(("weight_hr_l\(layer)\(suffix)", [projSize, hiddenSize])) }
                for (name, shape) in shapes {
                    let p = Parameter(Tensor.empty(shape, dtype: dtype, device: device))
                    p.uniformUnchecked(-bound, bound)
                    _parameters[name] = .some(p)
                }
            }
        }
    }

    override open func extraRepr() -> String {
        var s = "\(inputSize), \(hiddenSize)"
        if projSize != 0 { s += ", proj_size=\(projSize)" }
        if numLayers != 1 { s += ", num_layers=\(numLayers)" }
        if !bias { s += ", bias=False" }
        if batchFirst { s += ", batch_first=True" }
        if dropout != 0 { s += ", dropout=\(pythonFloat(dropout))" }
        if bidirectional { s += ", bidirectional=True" }
        return s
    }

    override open func forward(_ args: [Value], kwargs: Kwargs) throws -> Value { throw notComputedYet(mode) }
}

/// torch.nn.LSTM.
public final class LSTM: RNNBase {
    public init(_ inputSize: Int, _ hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Double = 0, bidirectional: Bool = false, projSize: Int = 0, device: Device? = nil, dtype: DType? = nil) throws {
        try super.init(mode: "LSTM", inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                       batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, projSize: projSize,
                       device: device, dtype: dtype)
    }
}

/// torch.nn.GRU.
public final class GRU: RNNBase {
    public init(_ inputSize: Int, _ hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Double = 0, bidirectional: Bool = false, device: Device? = nil, dtype: DType? = nil) throws {
        try super.init(mode: "GRU", inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
                       batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, projSize: 0,
                       device: device, dtype: dtype)
    }
}

/// torch.nn.RNN (tanh or relu).
public final class RNN: RNNBase {
    public let nonlinearity: String
    public init(_ inputSize: Int, _ hiddenSize: Int, numLayers: Int = 1, nonlinearity: String = "tanh", bias: Bool = true,
                batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false,
                device: Device? = nil, dtype: DType? = nil) throws {
        guard nonlinearity == "tanh" || nonlinearity == "relu" else {
            throw TorchError.valueError("Unknown nonlinearity '\(nonlinearity)'. Select from 'tanh' or 'relu'.")
        }
        self.nonlinearity = nonlinearity
        try super.init(mode: nonlinearity == "tanh" ? "RNN_TANH" : "RNN_RELU", inputSize: inputSize, hiddenSize: hiddenSize,
                       numLayers: numLayers, bias: bias, batchFirst: batchFirst, dropout: dropout,
                       bidirectional: bidirectional, projSize: 0, device: device, dtype: dtype)
    }
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
