import Foundation

/// Elementwise activations. `inplace=True` writes the result back into the input like PyTorch.
open class Activation: Module {
    public let inplace: Bool
    public init(inplace: Bool = false) {
        self.inplace = inplace
        super.init()
    }

    /// The function itself (a `Tensor` method); subclasses override.
    open func compute(_ input: Tensor) throws -> Tensor { input }

    /// In place, the input takes the result's values and history (PyTorch's `relu_`). The derivative
    /// reads the input's values, so under autograd it is computed from a copy of them that stands in the
    /// input's place in the graph (no `CloneBackward0` PyTorch would not show).
    override open func forward(_ input: Tensor) throws -> Tensor {
        guard inplace && !input.isMeta else { return try compute(input) }
        try input.checkInPlace()
        let out = try compute(GradMode.isEnabled && input.requiresGrad ? try input.copyKeepingHistory() : input)
        try GradMode.noGrad { try input.copy_(out) }
        input.rebaseHistory(onto: out, adopt: true)
        return input
    }

    override open func extraRepr() -> String { inplace ? "inplace=True" : "" }
}

/// torch.nn.ReLU.
public final class ReLU: Activation {
    override public func compute(_ input: Tensor) throws -> Tensor { try input.relu() }
}

/// torch.nn.ReLU6.
public final class ReLU6: Activation {
    override public func compute(_ input: Tensor) throws -> Tensor { try input.relu6() }
}

/// torch.nn.SiLU.
public final class SiLU: Activation {
    override public func compute(_ input: Tensor) throws -> Tensor { try input.silu() }
}

/// torch.nn.Hardswish.
public final class Hardswish: Activation {
    override public func compute(_ input: Tensor) throws -> Tensor { try input.hardswish() }
    override public func extraRepr() -> String { "" }
}

/// torch.nn.Sigmoid.
public final class Sigmoid: Activation {
    public init() { super.init(inplace: false) }
    override public func compute(_ input: Tensor) throws -> Tensor { try input.sigmoid() }
}

/// torch.nn.Tanh.
public final class Tanh: Activation {
    public init() { super.init(inplace: false) }
    override public func compute(_ input: Tensor) throws -> Tensor { try input.tanh() }
}

/// torch.nn.LeakyReLU.
public final class LeakyReLU: Activation {
    public let negativeSlope: Double
    public init(_ negativeSlope: Double = 0.01, inplace: Bool = false) {
        self.negativeSlope = negativeSlope
        super.init(inplace: inplace)
    }
    override public func compute(_ input: Tensor) throws -> Tensor { try input.leakyRelu(negativeSlope: negativeSlope) }
    override public func extraRepr() -> String {
        "negative_slope=\(pythonFloat(negativeSlope))" + (inplace ? ", inplace=True" : "")
    }
}

/// torch.nn.GELU, exact (erf) or tanh-approximated.
public final class GELU: Activation {
    public let approximate: String
    public init(approximate: String = "none") throws {
        guard approximate == "none" || approximate == "tanh" else {
            throw TorchError.runtimeError("approximate argument must be either none or tanh.")
        }
        self.approximate = approximate
        super.init(inplace: false)
    }
    override public func compute(_ input: Tensor) throws -> Tensor { try input.gelu(approximate: approximate) }
    override public func extraRepr() -> String { "approximate=\(pythonStringRepr(approximate))" }
}

/// torch.nn.Softmax over `dim`.
public final class Softmax: Module {
    public let dim: Int?
    public init(dim: Int? = nil) {
        self.dim = dim
        super.init()
    }
    override public func extraRepr() -> String { "dim=\(dim.map(String.init) ?? "None")" }
    /// Without `dim`, PyTorch's legacy `_get_softmax_dim` rule: dimension 0 for 0-, 1- and 3-D inputs, else 1,
    /// with its deprecation warning.
    override public func forward(_ input: Tensor) throws -> Tensor {
        if dim == nil {
            Warnings.warn("Implicit dimension choice for softmax has been deprecated. Change the call to include dim=X as an argument.")
        }
        // A 0-d input is its own (one-element) row.
        if input.rank == 0 { return try input.unsqueeze(0).softmax(dim: dim ?? 0).squeeze(0) }
        return try input.softmax(dim: dim ?? (input.rank == 1 || input.rank == 3 ? 0 : 1))
    }
}

/// torch.nn.Dropout: zeroes elements with probability `p` and scales the rest by 1/(1-p) in training
/// mode (seedable through the default generator); the identity in eval mode.
public final class Dropout: Module {
    public let p: Double
    public let inplace: Bool
    public init(p: Double = 0.5, inplace: Bool = false) throws {
        try Tensor.checkDropoutProbability(p)
        self.p = p
        self.inplace = inplace
        super.init()
    }
    override public func extraRepr() -> String { "p=\(pythonFloat(p)), inplace=\(pythonBool(inplace))" }
    override public func forward(_ input: Tensor) throws -> Tensor {
        try input.dropout(p: p, training: training, inplace: inplace)
    }
}
