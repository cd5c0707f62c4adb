import Foundation

/// The element types kernels compute in: `Float` (for float32, float16 and bfloat16 tensors) and `Double`.
/// Scalar math comes from libm; `Float` overrides the expensive array functions with SIMD versions.
protocol KernelFloat: BinaryFloatingPoint, SIMDScalar where Self.RawSignificand: FixedWidthInteger {
    static var dtype: DType { get }
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func erf(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
    static func sin(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
    /// One single-threaded BLAS GEMM (`sgemm`/`dgemm`), row-major: `C = A·B + beta·C`.
    static func gemm(m: Int, n: Int, k: Int, _ a: BLASMatrix<Self>, _ b: BLASMatrix<Self>, _ c: UnsafeMutablePointer<Self>,
                     ldc: Int, beta: Self)
    /// `dst[i] = op(src[i·stride])` for the transcendental ops that `Float` vectorizes; `false` = not handled.
    static func vectorized(_ op: UnaryOp, _ src: UnsafePointer<Self>, _ dst: UnsafeMutablePointer<Self>, _ n: Int) -> Bool
}

extension Float: KernelFloat {
    static var dtype: DType { .float32 }
    static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    static func log(_ x: Float) -> Float { Foundation.log(x) }
    static func tanh(_ x: Float) -> Float { Foundation.tanh(x) }
    static func erf(_ x: Float) -> Float { Foundation.erf(x) }
    static func cos(_ x: Float) -> Float { Foundation.cos(x) }
    static func sin(_ x: Float) -> Float { Foundation.sin(x) }
    static func pow(_ x: Float, _ y: Float) -> Float { Foundation.pow(x, y) }
    static func vectorized(_ op: UnaryOp, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) -> Bool {
        VectorMath.apply(op, src, dst, n)
    }
}

extension Double: KernelFloat {
    static var dtype: DType { .float64 }
    static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    static func log(_ x: Double) -> Double { Foundation.log(x) }
    static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
    static func erf(_ x: Double) -> Double { Foundation.erf(x) }
    static func cos(_ x: Double) -> Double { Foundation.cos(x) }
    static func sin(_ x: Double) -> Double { Foundation.sin(x) }
    static func pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
    static func vectorized(_ op: UnaryOp, _ src: UnsafePointer<Double>, _ dst: UnsafeMutablePointer<Double>, _ n: Int) -> Bool {
        false
    }
}

/// Dispatches a float dtype to the compute type kernels run in.
enum ComputeType {
    /// The dtype a floating kernel computes in for an output of `dtype` (half types widen to float32).
    static func of(_ dtype: DType) -> DType { dtype == .float64 ? .float64 : .float32 }
}
