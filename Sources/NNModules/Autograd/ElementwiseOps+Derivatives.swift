import Foundation

// Autograd/ holds the engine (graph nodes, grad mode, hooks, in-place/version tracking, observers) and,
// in `<Family>Ops+Derivatives.swift`, the derivatives of the operations in `Functional/<Family>Ops.swift`.

/// The backward formulas of the differentiable operations (torch's `derivatives.yaml`), written with
/// public tensor operations so they follow the kernels wherever those compute. Each takes the saved
/// forward values and the output gradient and returns the input gradients, reduced to each input's shape
/// where the forward broadcast it. Each op family adds its formulas in its `+Derivatives` file.
public enum Derivatives {
    /// Elementwise map through values, for the pointwise derivatives.
    static func map(_ x: Tensor, _ body: (Double) -> Double) throws -> Tensor {
        try TypedBackward.map(x, body)
    }

    static func zip(_ a: Tensor, _ b: Tensor, _ body: (Double, Double) -> Double) throws -> Tensor {
        try TypedBackward.zip(a, b, dtype: TypePromotion.result(a.dtype, b.dtype), body)
    }

    // MARK: Broadcasting arithmetic

    public static func add(_ g: Tensor, _ a: Tensor, _ b: Tensor) throws -> (Tensor, Tensor) {
        (try g.sumTo(a.sizes), try g.sumTo(b.sizes))
    }

    public static func sub(_ g: Tensor, _ a: Tensor, _ b: Tensor) throws -> (Tensor, Tensor) {
        (try g.sumTo(a.sizes), try (try -g).sumTo(b.sizes))
    }

    public static func mul(_ g: Tensor, _ a: Tensor, _ b: Tensor) throws -> (Tensor, Tensor) {
        (try (try g * b).sumTo(a.sizes), try (try g * a).sumTo(b.sizes))
    }

    public static func div(_ g: Tensor, _ a: Tensor, _ b: Tensor) throws -> (Tensor, Tensor) {
        let ga = try (try g / b).sumTo(a.sizes)
        let gb = try (try -(try (try g * a) / (try b * b))).sumTo(b.sizes)
        return (ga, gb)
    }

    /// maximum/minimum; torch: `where(a == b, g/2, g)`, zeroed where the other operand wins (NaN keeps g on both).
    static func extremum(_ g: Tensor, _ a: Tensor, _ b: Tensor, isMaximum: Bool) throws -> (Tensor, Tensor) {
        func share(_ x: Double, _ y: Double) -> Double { x == y ? 0.5 : ((isMaximum ? x < y : x > y) ? 0 : 1) }
        let ga = try (try g * (try zip(a, b, share))).sumTo(a.sizes)
        let gb = try (try g * (try zip(b, a, share))).sumTo(b.sizes)
        return (ga, gb)
    }
}

extension UnaryOp {
    /// PyTorch's `grad_fn` class name for this function.
    var gradientName: String {
        switch self {
        case .neg: return "NegBackward0"
        case .abs: return "AbsBackward0"
        case .exp: return "ExpBackward0"
        case .log: return "LogBackward0"
        case .tanh: return "TanhBackward0"
        case .sqrt: return "SqrtBackward0"
        case .rsqrt: return "RsqrtBackward0"
        case .erf: return "ErfBackward0"
        case .sigmoid: return "SigmoidBackward0"
        case .cos: return "CosBackward0"
        case .sin: return "SinBackward0"
        case .relu: return "ReluBackward0"
        case .relu6: return "HardtanhBackward0"
        case .leakyRelu: return "LeakyReluBackward0"
        case .gelu, .geluTanh: return "GeluBackward0"
        case .silu: return "SiluBackward0"
        case .hardswish: return "HardswishBackward0"
        case .pow: return "PowBackward0"
        case .add: return "AddBackward0"
        case .mul: return "MulBackward0"
        case .div: return "DivBackward0"
        }
    }

    /// Whether PyTorch's derivative of this function reads its result rather than its input.
    var derivativeReadsResult: Bool {
        switch self {
        case .exp, .tanh, .sigmoid, .relu, .sqrt, .rsqrt: return true
        default: return false
        }
    }

    /// d/dx in terms of the result `y = f(x)`, for the functions where `derivativeReadsResult`.
    func derivative(fromResult y: Double) -> Double {
        switch self {
        case .exp: return y
        case .tanh: return 1 - y * y
        case .sigmoid: return y * (1 - y)
        case .relu: return y > 0 ? 1 : 0
        case .sqrt: return 0.5 / y
        case .rsqrt: return -0.5 * y * y * y
        default: return .nan
        }
    }

    /// d/dx of this function at `x`.
    func derivative(at x: Double) -> Double {
        switch self {
        case .neg: return -1
        case .abs: return x > 0 ? 1 : (x < 0 ? -1 : 0)
        case .exp: return Foundation.exp(x)
        case .log: return 1 / x
        case .tanh: let t = Foundation.tanh(x); return 1 - t * t
        case .sqrt: return 0.5 / x.squareRoot()
        case .rsqrt: return -0.5 / (x * x.squareRoot())
        case .erf: return 2 / Double.pi.squareRoot() * Foundation.exp(-x * x)
        case .sigmoid: let s = 1 / (1 + Foundation.exp(-x)); return s * (1 - s)
        case .cos: return -Foundation.sin(x)
        case .sin: return Foundation.cos(x)
        case .relu: return x > 0 ? 1 : 0
        case .relu6: return x > 0 && x < 6 ? 1 : 0
        case .leakyRelu(let slope): return x > 0 ? 1 : slope
        case .gelu:
            return 0.5 * (1 + Foundation.erf(x / 2.0.squareRoot())) + x * Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
        case .geluTanh:
            let k = (2 / Double.pi).squareRoot(), t = Foundation.tanh(k * (x + 0.044715 * x * x * x))
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)
        case .silu: let s = 1 / (1 + Foundation.exp(-x)); return s * (1 + x * (1 - s))
        case .hardswish: return x < -3 ? 0 : (x > 3 ? 1 : (2 * x + 3) / 6)
        case .pow(let p):
            if p == 2 { return 2 * x }
            if p == 3 { return 3 * x * x }
            return p * Foundation.pow(x, p - 1)
        case .add: return 1
        case .mul(let s): return s
        case .div(let s): return 1 / s
        }
    }
}
