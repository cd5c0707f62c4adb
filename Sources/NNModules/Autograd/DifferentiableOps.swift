import Foundation

/// The public entry points of the elementwise and linear-algebra operations: each computes its values with
/// recording off (so the kernels' internal views and copies leave no nodes) and then records one node named
/// like PyTorch's `grad_fn` with the derivative from `Derivatives`.
extension Tensor {
    static func binary(_ a: Tensor, _ b: Tensor, _ op: BinaryOp, dtype: DType? = nil) throws -> Tensor {
        let out = try GradMode.noGrad { try binaryValues(a, b, op, dtype: dtype) }
        guard out.dtype.isFloatingPoint else { return out }
        switch op {
        case .add:
            recordOperation("AddBackward0", inputs: [a, b], outputs: [out]) { g in
                guard let g = g[0] else { return [nil, nil] }
                let (ga, gb) = try Derivatives.add(g, a, b)
                return [ga, gb]
            }
        case .sub:
            recordOperation("SubBackward0", inputs: [a, b], outputs: [out]) { g in
                guard let g = g[0] else { return [nil, nil] }
                let (ga, gb) = try Derivatives.sub(g, a, b)
                return [ga, gb]
            }
        case .mul:
            recordOperation("MulBackward0", inputs: [a, b], outputs: [out], saving: [a, b]) { g in
                guard let g = g[0] else { return [nil, nil] }
                let (ga, gb) = try Derivatives.mul(g, a, b)
                return [ga, gb]
            }
        case .div:
            recordOperation("DivBackward0", inputs: [a, b], outputs: [out], saving: [a, b]) { g in
                guard let g = g[0] else { return [nil, nil] }
                let (ga, gb) = try Derivatives.div(g, a, b)
                return [ga, gb]
            }
        case .maximum, .minimum:
            // torch: where(a == b, g/2, g), zeroed where the other operand wins (NaN keeps g on both).
            let isMaximum = op == .maximum
            recordOperation(isMaximum ? "MaximumBackward0" : "MinimumBackward0", inputs: [a, b], outputs: [out], saving: [a, b]) { g in
                guard let g = g[0] else { return [nil, nil] }
                func share(_ x: Double, _ y: Double) -> Double { x == y ? 0.5 : ((isMaximum ? x < y : x > y) ? 0 : 1) }
                let ga = try (try g * (try Derivatives.zip(a, b, share))).sumTo(a.sizes)
                let gb = try (try g * (try Derivatives.zip(b, a, share))).sumTo(b.sizes)
                return [ga, gb]
            }
        }
        return out
    }

    func unary(_ op: UnaryOp, dtype: DType? = nil) throws -> Tensor {
        let out = try GradMode.noGrad { try unaryValues(op, dtype: dtype) }
        guard out.dtype.isFloatingPoint else { return out }
        let x = self
        if op.derivativeReadsResult {
            // Like PyTorch, which saves the result of these (an in-place change of the input is then harmless).
            // One pass computes g·f′ in the compute type.
            let y = out.detach()
            Tensor.recordOperation(op.gradientName, inputs: [x], outputs: [out], saving: [out]) { grads in
                guard let g = grads[0] else { return [nil] }
                return [try TypedBackward.zip(g, y, dtype: out.dtype) { g, y in g * op.derivative(fromResult: y) }]
            }
        } else {
            Tensor.recordOperation(op.gradientName, inputs: [x], outputs: [out], saving: [x]) { grads in
                guard let g = grads[0] else { return [nil] }
                return [try TypedBackward.zip(g, x, dtype: out.dtype) { g, x in g * op.derivative(at: x) }]
            }
        }
        return out
    }

    /// torch.nn.functional.linear; records `AddmmBackward0` (`MmBackward0` without bias) over the input folded
    /// to 2-D and `weight.t()`, plus `ViewBackward0` when the input is not 2-D, as PyTorch's graph does.
    public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        let out = try GradMode.noGrad { try linearValues(input, weight: weight, bias: bias) }
        guard GradMode.isEnabled, input.requiresGrad || weight.requiresGrad || (bias?.requiresGrad ?? false) else { return out }
        let k = input.sizes.last ?? 1
        let rows = input.rank == 2 ? input : try input.reshape([-1, k])
        let wT = try weight.t()
        let flat = input.rank == 2 ? out : try GradMode.noGrad { try out.reshape([-1, weight.sizes[0]]) }
        recordOperation(bias == nil ? "MmBackward0" : "AddmmBackward0", inputs: [bias, rows, wT].filter { $0 != nil || bias != nil },
                        outputs: [flat], saving: [input, weight]) { g in
            guard let g = g[0] else { return bias == nil ? [nil, nil] : [nil, nil, nil] }
            let gx = try g.matmul(weight)
            // Computed as gW = gᵀ·x in the weight's own [out, in] layout and handed on transposed, so the
            // `weight.t()` node gives AccumulateGrad a contiguous gradient (PyTorch's mm backward does the same).
            let gwT = try g.t().matmul(rows).t()
            if let bias { return [try g.sumTo(bias.sizes), gx, gwT] }
            return [gx, gwT]
        }
        if input.rank == 2 { return out }
        let shaped = try flat.view(out.sizes)
        return shaped
    }

    /// torch.addmm(input, mat1, mat2).
    public static func addmm(_ input: Tensor, _ mat1: Tensor, _ mat2: Tensor) throws -> Tensor {
        let out = try GradMode.noGrad { try addmmValues(input, mat1, mat2) }
        recordOperation("AddmmBackward0", inputs: [input, mat1, mat2], outputs: [out], saving: [mat1, mat2]) { g in
            guard let g = g[0] else { return [nil, nil, nil] }
            return [try g.sumTo(input.sizes), try g.matmul(try mat2.t()), try mat1.t().matmul(g)]
        }
        return out
    }

    /// torch.matmul.
    public func matmul(_ other: Tensor) throws -> Tensor {
        let out = try GradMode.noGrad { try matmulValues(other) }
        let a = self
        Tensor.recordOperation(rank == 2 && other.rank == 2 ? "MmBackward0" : "BmmBackward0", inputs: [a, other], outputs: [out], saving: [a, other]) { g in
            guard let g = g[0] else { return [nil, nil] }
            let (ga, gb) = try Derivatives.matmul(g, a, other)
            return [ga, gb]
        }
        return out
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
