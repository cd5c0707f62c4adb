/// SIMD versions of the transcendental activations for float32 (exp after Cephes `expf`, tanh, erf after
/// Abramowitz–Stegun 7.1.26, and the GELU/SiLU/sigmoid built from them). Scalar libm calls cost 5–20 ns an
/// element, which made GPT-2's and BERT's GELUs a large share of a forward; these run eight lanes at a
/// time within a few ulp (erf: 2e-7 absolute), far inside the 1e-4 tolerance of the goldens.
enum VectorMath {
    typealias V = SIMD8<Float>

    @inline(__always)
    static func exp(_ input: V) -> V {
        // Clamped by comparisons: the standard library's `clamped` was a call per vector (pointwiseMin/Max
        // not inlined, 1.7 % of a BERT forward). NaN lanes compare false and are put back below.
        var x = input.replacing(with: V(repeating: -88.37), where: input .< -88.37)
        x.replace(with: V(repeating: 88.37), where: x .> 88.37)
        // Round x·log2(e) to the nearest integer with the 1.5·2²³ trick: its bits hold n directly.
        let magic = V(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        var r = x - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p = V(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 0.166_666_65
        p = p * r + 0.5
        p = p * (r * r) + r + 1
        let nBits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        let scale = unsafeBitCast((nBits &+ 127) &<< 23, to: V.self)
        return (p * scale).replacing(with: input, where: input .!= input)
    }

    @inline(__always)
    static func tanh(_ x: V) -> V {
        let a = x.replacing(with: -x, where: x .< 0)
        // Large |x|: 1 - 2/(e^{2|x|}+1); small |x|: Cephes' odd polynomial, which keeps relative accuracy.
        let e = exp(a + a)
        var big = 1 - 2 / (e + 1)
        big.replace(with: -big, where: x .< 0)
        let z = x * x
        var p = V(repeating: -5.704_988_7e-3)
        p = p * z + 2.063_908_9e-2
        p = p * z - 5.373_971_6e-2
        p = p * z + 0.133_314_42
        p = p * z - 0.333_332_82
        let small = p * z * x + x
        return big.replacing(with: small, where: a .< 0.625)
    }

    @inline(__always)
    static func erf(_ x: V) -> V {
        let a = x.replacing(with: -x, where: x .< 0)
        let t = 1 / (a * 0.327_591_1 + 1)
        var p = V(repeating: 1.061_405_429)
        p = p * t - 1.453_152_027
        p = p * t + 1.421_413_741
        p = p * t - 0.284_496_736
        p = p * t + 0.254_829_592
        var y = 1 - p * t * exp(-(a * a))
        y.replace(with: -y, where: x .< 0)
        return y
    }

    @inline(__always)
    static func sigmoid(_ x: V) -> V { 1 / (1 + exp(-x)) }

    static func supports(_ op: UnaryOp) -> Bool {
        switch op {
        case .exp, .tanh, .erf, .sigmoid, .silu, .gelu, .geluTanh: return true
        default: return false
        }
    }

    /// One vector of `op`; only called for ops `supports` accepts.
    @inline(__always)
    static func lanes(_ op: UnaryOp, _ x: V) -> V {
        switch op {
        case .exp: return exp(x)
        case .tanh: return tanh(x)
        case .erf: return erf(x)
        case .sigmoid: return sigmoid(x)
        case .silu: return x * sigmoid(x)
        case .gelu: return x * 0.5 * (1 + erf(x * 0.707_106_77))
        case .geluTanh: return x * 0.5 * (1 + tanh((x + x * x * x * 0.044_715) * 0.797_884_56))
        default: return x
        }
    }

    /// `dst[i] = op(src[i])` eight lanes at a time; `false` when `op` has no vector form.
    static func apply(_ op: UnaryOp, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int) -> Bool {
        guard supports(op) else { return false }
        var i = 0
        while i + 8 <= n {
            let x = UnsafeRawPointer(src + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: lanes(op, x), as: V.self)
            i += 8
        }
        if i < n {
            var x = V(repeating: 0)
            for k in 0..<(n - i) { x[k] = src[i + k] }
            let y = lanes(op, x)
            for k in 0..<(n - i) { dst[i + k] = y[k] }
        }
        return true
    }
}
