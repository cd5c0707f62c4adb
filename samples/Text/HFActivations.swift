import Foundation
import NNModules

/// transformers.activations `NewGELUActivation` (`gelu_new`, GPT-2): the tanh approximation of GELU,
/// written out as in the reference (not `nn.GELU(approximate="tanh")`, which prints differently).
public final class NewGELUActivation: Module {
    override public init() { super.init() }

    override public func forward(_ input: Tensor) throws -> Tensor {
        let inner = try (try input + (try input.pow(3) * 0.044715)) * (2.0 / Double.pi).squareRoot()
        return try (try input * 0.5) * (try inner.tanh() + 1.0)
    }
}

/// transformers.activations `GELUActivation` (`gelu`, BERT): exact erf GELU, `nn.functional.gelu`.
public final class GELUActivation: Module {
    override public init() { super.init() }

    override public func forward(_ input: Tensor) throws -> Tensor {
        try (try input * 0.5) * (try (try input / 2.0.squareRoot()).erf() + 1.0)
    }
}

/// transformers.activations `SiLUActivation` (`silu`, Llama's gate): `x · sigmoid(x)`.
public final class SiLUActivation: Module {
    override public init() { super.init() }

    override public func forward(_ input: Tensor) throws -> Tensor { try input * (try input.sigmoid()) }
}

/// transformers' `ACT2FN`: the activation module a config's `hidden_act` / `activation_function` names.
enum HFActivation {
    static func make(_ name: String) throws -> Module {
        switch name {
        case "gelu_new": return NewGELUActivation()
        case "gelu": return GELUActivation()
        case "silu", "swish": return SiLUActivation()
        case "relu": return ReLU()
        default: throw HFConfigError.unsupported("activation '\(name)'")
        }
    }
}
