import Foundation

/// Elementwise arithmetic with broadcasting and type promotion (torch: add, sub, mul, div, neg, and the
/// unary math functions). Meta inputs give meta outputs of the broadcast shape.
extension Tensor {
    static func binary(_ a: Tensor, _ b: Tensor, dtype: DType? = nil, _ op: (Double, Double) -> Double) throws -> Tensor {
        let shape = try broadcastShapes(a.sizes, b.sizes)
        let outType = dtype ?? TypePromotion.result(a.dtype, b.dtype)
        if a.isMeta || b.isMeta { return Tensor(storage: nil, shape: shape, dtype: outType, device: .meta) }
        let x = try a.expand(shape).toDoubles()
        let y = try b.expand(shape).toDoubles()
        var values = [Double](repeating: 0, count: x.count)
        for i in values.indices { values[i] = op(x[i], y[i]) }
        return Tensor(values, shape: shape, dtype: outType)
    }

    func unary(dtype: DType? = nil, _ op: (Double) -> Double) throws -> Tensor {
        let outType = dtype ?? self.dtype
        if isMeta { return Tensor(storage: nil, shape: sizes, dtype: outType, device: .meta) }
        return Tensor(try toDoubles().map(op), shape: sizes, dtype: outType)
    }

    func scalarOp(_ s: Double, isFloat: Bool, _ op: (Double, Double) -> Double) throws -> Tensor {
        try unary(dtype: TypePromotion.withScalar(dtype, scalarIsFloat: isFloat)) { op($0, s) }
    }

    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try binary(a, b, +) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try binary(a, b, -) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try binary(a, b, *) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        let t = TypePromotion.result(a.dtype, b.dtype)
        return try binary(a, b, dtype: t.isFloatingPoint ? t : TensorDefaults.dtype, /)
    }
    public static func + (a: Tensor, s: Double) throws -> Tensor { try a.scalarOp(s, isFloat: true, +) }
    public static func - (a: Tensor, s: Double) throws -> Tensor { try a.scalarOp(s, isFloat: true, -) }
    public static func * (a: Tensor, s: Double) throws -> Tensor { try a.scalarOp(s, isFloat: true, *) }
    public static func / (a: Tensor, s: Double) throws -> Tensor { try a.scalarOp(s, isFloat: true, /) }
    public static func + (a: Tensor, s: Int) throws -> Tensor { try a.scalarOp(Double(s), isFloat: false, +) }
    public static func * (a: Tensor, s: Int) throws -> Tensor { try a.scalarOp(Double(s), isFloat: false, *) }
    public static prefix func - (a: Tensor) throws -> Tensor { try a.unary { -$0 } }

    public func exp() throws -> Tensor { try unary(dtype: floatResult) { Foundation.exp($0) } }
    public func log() throws -> Tensor { try unary(dtype: floatResult) { Foundation.log($0) } }
    public func tanh() throws -> Tensor { try unary(dtype: floatResult) { Foundation.tanh($0) } }
    public func sqrt() throws -> Tensor { try unary(dtype: floatResult) { $0.squareRoot() } }
    public func rsqrt() throws -> Tensor { try unary(dtype: floatResult) { 1 / $0.squareRoot() } }
    public func erf() throws -> Tensor { try unary(dtype: floatResult) { Foundation.erf($0) } }
    public func sigmoid() throws -> Tensor { try unary(dtype: floatResult) { 1 / (1 + Foundation.exp(-$0)) } }
    public func abs() throws -> Tensor { try unary { Swift.abs($0) } }

    /// Integer inputs of transcendental functions produce the default float dtype.
    var floatResult: DType { dtype.isFloatingPoint ? dtype : TensorDefaults.dtype }

    /// torch: `sum()` over all elements (integers accumulate to int64).
    public func sum() throws -> Tensor {
        let outType: DType = dtype.isFloatingPoint ? dtype : .int64
        if isMeta { return Tensor(storage: nil, shape: [], dtype: outType, device: .meta) }
        return Tensor([try toDoubles().reduce(0, +)], shape: [], dtype: outType)
    }

    /// torch: `mean()` over all elements.
    public func mean() throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw TorchError.runtimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype.rawValue.capitalized)")
        }
        if isMeta { return Tensor(storage: nil, shape: [], dtype: dtype, device: .meta) }
        let v = try toDoubles()
        return Tensor([v.reduce(0, +) / Double(max(v.count, 1))], shape: [], dtype: dtype)
    }
}
