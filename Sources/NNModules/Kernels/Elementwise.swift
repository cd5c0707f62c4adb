import Foundation

/// Elementwise arithmetic with broadcasting and type promotion (torch: add, sub, mul, div, neg, maximum,
/// minimum, the scalar forms and the unary math functions). Floating results run typed kernels in float32
/// or float64 (half types widened on the way in and narrowed on the way out); integer and bool results take
/// the `Double` path. Meta inputs give meta outputs of the broadcast shape.
extension Tensor {
    static func binaryValues(_ a: Tensor, _ b: Tensor, _ op: BinaryOp, dtype: DType? = nil) throws -> Tensor {
        let shape = try broadcastShapes(a.sizes, b.sizes)
        let outType = dtype ?? TypePromotion.result(a.dtype, b.dtype)
        if a.isMeta || b.isMeta { return Tensor(storage: nil, shape: shape, dtype: outType, device: .meta) }
        guard outType.isFloatingPoint else {
            let x = try a.expand(shape).toDoubles(), y = try b.expand(shape).toDoubles()
            return Tensor(op.withFunction(Double.self) { f in zip(x, y).map(f) }, shape: shape, dtype: outType)
        }
        let compute = ComputeType.of(outType)
        let out = Tensor.empty(shape, dtype: compute)
        if compute == .float64 {
            try binaryKernel(op, Double.self, a, b, out)
        } else {
            try binaryKernel(op, Float.self, a, b, out)
        }
        return try out.to(dtype: outType)
    }

    private static func binaryKernel<T: KernelFloat>(_ op: BinaryOp, _ type: T.Type, _ a: Tensor, _ b: Tensor, _ out: Tensor) throws {
        let x = a.dtype == T.dtype ? a : try a.contiguous(as: T.dtype)
        let y = b.dtype == T.dtype ? b : try b.contiguous(as: T.dtype)
        let runs = StridedRuns(shape: out.sizes, operands: [try x.operandLayout(broadcastTo: out.sizes),
                                                            try y.operandLayout(broadcastTo: out.sizes), (out.strides, 0)])
        let px = x.storagePointer(T.self), py = y.storagePointer(T.self), po = out.storagePointer(T.self)
        let (sx, sy) = (runs.innerStride(0), runs.innerStride(1))
        runs.forEach { o, n in BinaryOp.run(op, px + o.0, sx, py + o.1, sy, po + o.2, n) }
    }

    /// Applies `op` elementwise; `dtype` is the result dtype (default: this tensor's).
    func unaryValues(_ op: UnaryOp, dtype: DType? = nil) throws -> Tensor {
        let outType = dtype ?? self.dtype
        if isMeta { return Tensor(storage: nil, shape: sizes, dtype: outType, device: .meta) }
        guard outType.isFloatingPoint else {
            let values = try toDoubles()
            return Tensor(op.withFunction(Double.self) { f in values.map(f) }, shape: sizes, dtype: outType)
        }
        let compute = ComputeType.of(outType)
        let out = Tensor.empty(sizes, dtype: compute)
        if compute == .float64 {
            try unaryKernel(op, Double.self, out)
        } else {
            try unaryKernel(op, Float.self, out)
        }
        return try out.to(dtype: outType)
    }

    private func unaryKernel<T: KernelFloat>(_ op: UnaryOp, _ type: T.Type, _ out: Tensor) throws {
        let x = dtype == T.dtype ? self : try contiguous(as: T.dtype)
        let runs = StridedRuns(shape: sizes, operands: [(x.strides, x.storageOffset), (out.strides, 0)])
        let px = x.storagePointer(T.self), po = out.storagePointer(T.self)
        let stride = runs.innerStride(0)
        runs.forEach { o, n in UnaryOp.run(op, px + o.0, stride: stride, po + o.1, n) }
    }

    /// Integer inputs of transcendental functions produce the default float dtype.
    var floatResult: DType { dtype.isFloatingPoint ? dtype : TensorDefaults.dtype }
}
