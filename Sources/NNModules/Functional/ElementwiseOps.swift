import Foundation

// Functional/ holds NNModules' public operations, one file per op family (`<Family>Ops.swift`); each
// family's derivatives live beside the autograd engine in `Autograd/<Family>Ops+Derivatives.swift` (a
// module cannot have two files of one name, and `Layers/` already names files after the modules). An
// operation computes its values with recording off, through the kernels in `Kernels/` (so their internal
// views and copies leave no nodes), then records one node named like PyTorch's `grad_fn` whose backward
// calls the family's derivative.

/// Elementwise arithmetic with broadcasting and type promotion (torch: add, sub, mul, div, neg, maximum,
/// minimum, the scalar forms, pow and the unary math functions).
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
            let isMaximum = op == .maximum
            recordOperation(isMaximum ? "MaximumBackward0" : "MinimumBackward0", inputs: [a, b], outputs: [out], saving: [a, b]) { g in
                guard let g = g[0] else { return [nil, nil] }
                let (ga, gb) = try Derivatives.extremum(g, a, b, isMaximum: isMaximum)
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
                if case .relu = op, let masked = try TypedBackward.reluGradient(g, result: y) { return [masked] }
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

    func scalarOp(_ op: UnaryOp, isFloat: Bool) throws -> Tensor {
        try unary(op, dtype: TypePromotion.withScalar(dtype, scalarIsFloat: isFloat))
    }

    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try binary(a, b, .add) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try binary(a, b, .sub) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try binary(a, b, .mul) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        let t = TypePromotion.result(a.dtype, b.dtype)
        return try binary(a, b, .div, dtype: t.isFloatingPoint ? t : TensorDefaults.dtype)
    }
    public static func + (a: Tensor, s: Double) throws -> Tensor { try a.scalarOp(.add(s), isFloat: true) }
    public static func - (a: Tensor, s: Double) throws -> Tensor { try a.scalarOp(.add(-s), isFloat: true) }
    public static func * (a: Tensor, s: Double) throws -> Tensor { try a.scalarOp(.mul(s), isFloat: true) }
    public static func / (a: Tensor, s: Double) throws -> Tensor { try a.scalarOp(.div(s), isFloat: true) }
    public static func + (a: Tensor, s: Int) throws -> Tensor { try a.scalarOp(.add(Double(s)), isFloat: false) }
    public static func * (a: Tensor, s: Int) throws -> Tensor { try a.scalarOp(.mul(Double(s)), isFloat: false) }
    public static prefix func - (a: Tensor) throws -> Tensor { try a.unary(.neg) }

    /// torch.maximum / torch.minimum (NaN propagates).
    public func maximum(_ other: Tensor) throws -> Tensor { try Tensor.binary(self, other, .maximum) }
    public func minimum(_ other: Tensor) throws -> Tensor { try Tensor.binary(self, other, .minimum) }

    public func exp() throws -> Tensor { try unary(.exp, dtype: floatResult) }
    public func log() throws -> Tensor { try unary(.log, dtype: floatResult) }
    public func tanh() throws -> Tensor { try unary(.tanh, dtype: floatResult) }
    public func sqrt() throws -> Tensor { try unary(.sqrt, dtype: floatResult) }
    public func rsqrt() throws -> Tensor { try unary(.rsqrt, dtype: floatResult) }
    public func erf() throws -> Tensor { try unary(.erf, dtype: floatResult) }
    public func sigmoid() throws -> Tensor { try unary(.sigmoid, dtype: floatResult) }
    public func abs() throws -> Tensor { try unary(.abs) }

    /// torch.pow(tensor, exponent) with a Python-float exponent (GPT-2's `pow(x, 3.0)`, RMSNorm's `pow(2)`);
    /// integer tensors give the default float dtype.
    public func pow(_ exponent: Double) throws -> Tensor { try unary(.pow(exponent), dtype: floatResult) }

    /// torch.cos / torch.sin (rotary position embeddings); integer tensors give the default float dtype.
    public func cos() throws -> Tensor { try unary(.cos, dtype: floatResult) }
    public func sin() throws -> Tensor { try unary(.sin, dtype: floatResult) }
}
