/// torch.nn.RNNBase: LSTM, GRU and RNN share the per-layer, per-direction parameter naming
/// (`weight_ih_l0`, `bias_hh_l1_reverse`, ...) and the multi-layer, bidirectional forward in RNNForward.swift.
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
        guard projSize >= 0 else { throw TorchError.valueError("proj_size should be a positive integer or zero to disable projections") }
        guard projSize < hiddenSize else { throw TorchError.valueError("proj_size has to be smaller than hidden_size") }
        if dropout > 0 && numLayers == 1 {
            Warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=\(pythonFloat(dropout)) and num_layers=\(numLayers)")
        }
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

    /// torch: `forward(input, hx=None)` → `(output, h_n)`, or `(output, (h_n, c_n))` for LSTM.
    override open func forward(_ args: [Value], kwargs: Kwargs) throws -> Value { try recurrentForward(args, kwargs: kwargs) }
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
