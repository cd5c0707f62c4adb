/// The elementwise one-input functions, scalar arithmetic included (`x + s` is `.add(s)`). Each case's
/// formula is written once, in `withFunction`, and used by the typed kernel and the integer slow path.
enum UnaryOp {
    case neg, abs, exp, log, tanh, sqrt, rsqrt, erf, sigmoid, cos, sin
    case relu, relu6, leakyRelu(Double), gelu, geluTanh, silu, hardswish
    case pow(Double)
    case add(Double), mul(Double), div(Double)

    /// Calls `body` with this op's scalar function on `T`; switching once outside the element loop lets each
    /// case specialize into its own loop.
    @inline(__always)
    func withFunction<T: KernelFloat, R>(_ type: T.Type, _ body: ((T) -> T) -> R) -> R {
        switch self {
        case .neg: return body { -$0 }
        case .abs: return body { Swift.abs($0) }
        case .exp: return body { T.exp($0) }
        case .log: return body { T.log($0) }
        case .tanh: return body { T.tanh($0) }
        case .sqrt: return body { $0.squareRoot() }
        case .rsqrt: return body { 1 / $0.squareRoot() }
        case .erf: return body { T.erf($0) }
        case .sigmoid: return body { 1 / (1 + T.exp(-$0)) }
        case .cos: return body { T.cos($0) }
        case .sin: return body { T.sin($0) }
        case .relu: return body { $0 < 0 ? 0 : $0 }
        case .relu6: return body { $0 < 0 ? 0 : ($0 > 6 ? 6 : $0) }
        case .leakyRelu(let slope):
            let s = T(slope)
            return body { $0 < 0 ? $0 * s : $0 }
        case .gelu: return body { $0 * 0.5 * (1 + T.erf($0 * T(0.5.squareRoot()))) }
        case .geluTanh:
            let c = T((2 / Double.pi).squareRoot())
            return body { $0 * 0.5 * (1 + T.tanh(c * ($0 + 0.044715 * $0 * $0 * $0))) }
        case .silu: return body { $0 / (1 + T.exp(-$0)) }
        case .hardswish: return body { $0 * Swift.min(Swift.max($0 + 3, 0), 6) / 6 }
        case .pow(let e):
            if e == 2 { return body { $0 * $0 } }
            if e == 3 { return body { $0 * $0 * $0 } }
            let exponent = T(e)
            return body { T.pow($0, exponent) }
        case .add(let s):
            let v = T(s)
            return body { $0 + v }
        case .mul(let s):
            let v = T(s)
            return body { $0 * v }
        case .div(let s):
            let v = T(s)
            return body { $0 / v }
        }
    }

    /// `dst[i] = op(src[i·stride])` for `n` elements.
    static func run<T: KernelFloat>(_ op: UnaryOp, _ src: UnsafePointer<T>, stride: Int, _ dst: UnsafeMutablePointer<T>, _ n: Int) {
        if stride == 1 && T.vectorized(op, src, dst, n) { return }
        op.withFunction(T.self) { f in
            if stride == 1 {
                for i in 0..<n { dst[i] = f(src[i]) }
            } else {
                for i in 0..<n { dst[i] = f(src[i * stride]) }
            }
        }
    }
}

/// The elementwise two-input functions.
enum BinaryOp {
    case add, sub, mul, div, maximum, minimum

    @inline(__always)
    func withFunction<T: KernelFloat, R>(_ type: T.Type, _ body: ((T, T) -> T) -> R) -> R {
        switch self {
        case .add: return body(+)
        case .sub: return body(-)
        case .mul: return body(*)
        case .div: return body(/)
        case .maximum: return body { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }
        case .minimum: return body { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }
        }
    }

    /// `out[i] = op(a[i·sa], b[i·sb])` for `n` elements; unit and zero strides get their own loops.
    static func run<T: KernelFloat>(_ op: BinaryOp, _ a: UnsafePointer<T>, _ sa: Int, _ b: UnsafePointer<T>, _ sb: Int,
                                    _ out: UnsafeMutablePointer<T>, _ n: Int) {
        op.withFunction(T.self) { f in
            if sa == 1 && sb == 1 {
                for i in 0..<n { out[i] = f(a[i], b[i]) }
            } else if sa == 1 && sb == 0 {
                let y = b[0]
                for i in 0..<n { out[i] = f(a[i], y) }
            } else if sa == 0 && sb == 1 {
                let x = a[0]
                for i in 0..<n { out[i] = f(x, b[i]) }
            } else {
                for i in 0..<n { out[i] = f(a[i * sa], b[i * sb]) }
            }
        }
    }
}
