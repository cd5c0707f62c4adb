import NNModules

/// Moments, extremes and special-value counts of a tensor's values (or of a sample of them), the raw
/// material of `ActivationStats`. Statistics run inside forward hooks on every module, so float32 tensors
/// (what models compute in) are read in place in one fused SIMD pass; large ones are sampled as evenly
/// spread contiguous blocks, which keeps the reads on whole cache lines (a one-in-k element stride touches
/// as many cache lines as reading everything).
struct ValueSummary {
    var sampled = 0
    /// The shift the sums are taken around (a value of the tensor), so the variance does not cancel.
    var shift = 0.0
    var sum = 0.0
    var sumOfSquares = 0.0
    var min = Double.infinity
    var max = -Double.infinity
    var nans = 0
    var infs = 0
    var zeros = 0

    /// Contiguous blocks of a sample, in elements (2 KiB of float32).
    static let block = 512

    var mean: Double { sampled == 0 ? .nan : shift + sum / Double(sampled) }

    /// The unbiased variance (torch.std's default); NaN below two values or when a value is not finite.
    var variance: Double {
        guard sampled >= 2 else { return .nan }
        let n = Double(sampled)
        let variance = (sumOfSquares - sum * sum / n) / (n - 1)
        return variance < 0 ? 0 : variance // rounding can dip below zero; NaN stays NaN
    }

    /// The summary of `tensor`'s values, reading at most about `limit` of them; nil for meta and
    /// uninitialized tensors.
    static func of(_ tensor: Tensor, limit: Int) -> ValueSummary? {
        let n = tensor.count
        guard !tensor.isMeta, n > 0, let storage = tensor.storage else { return nil }
        if tensor.dtype == .float32 && tensor.isContiguous {
            let base = UnsafePointer(storage.pointer.assumingMemoryBound(to: Float.self)) + tensor.storageOffset
            var summary = ValueSummary()
            let first = base[0]
            summary.shift = first.isFinite ? Double(first) : 0
            let limit = Swift.max(limit, 1)
            if n <= limit || n <= block {
                summary.add(base, count: n)
            } else {
                let blocks = Swift.max(1, limit / block)
                let span = n - block
                for b in 0..<blocks {
                    let start = blocks == 1 ? 0 : span * b / (blocks - 1)
                    summary.add(base + start, count: block)
                }
            }
            return summary
        }
        // Other dtypes and strided views: the general element path (tests and rare cases).
        let stride = Swift.max(1, n / Swift.max(limit, 1))
        guard let values = try? tensor.toDoubles(every: stride) else { return nil }
        var summary = ValueSummary()
        summary.shift = values.first(where: \.isFinite) ?? 0
        for v in values { summary.add(v) }
        return summary
    }

    private mutating func add(_ v: Double) {
        sampled += 1
        let d = v - shift
        sum += d
        sumOfSquares += d * d
        if v.isNaN { nans += 1 } else {
            if v < min { min = v }
            if v > max { max = v }
            if v.isInfinite { infs += 1 }
        }
        if v == 0 { zeros += 1 }
    }

    /// One pass over `count` contiguous floats. Sums are kept in float over 64 values, then added in
    /// double: the partial sums stay within float's precision of the shifted values.
    private mutating func add(_ p: UnsafePointer<Float>, count: Int) {
        let k = Float(shift)
        let kv = SIMD8<Float>(repeating: k)
        var lo = SIMD8<Float>(repeating: .infinity), hi = SIMD8<Float>(repeating: -.infinity)
        var nanCount = SIMD8<Int32>(), infCount = SIMD8<Int32>(), zeroCount = SIMD8<Int32>()
        let one = SIMD8<Int32>(repeating: 1), zero = SIMD8<Int32>()
        let inf = SIMD8<Float>(repeating: .infinity)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 64 <= count {
            var s = SIMD8<Float>(), q = SIMD8<Float>()
            for j in stride(from: i, to: i + 64, by: 8) {
                let v = raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
                let d = v - kv
                s += d
                q = q.addingProduct(d, d)
                nanCount &+= one.replacing(with: zero, where: v .== v)
                infCount &+= one.replacing(with: zero, where: (v .!= inf) .& (v .!= -inf))
                zeroCount &+= one.replacing(with: zero, where: v .!= 0)
                // Comparisons with NaN are false, so NaNs never become an extreme (they are counted).
                // (The standard library's pointwiseMin/Max were not inlined: a call per vector.)
                lo = lo.replacing(with: v, where: v .< lo)
                hi = hi.replacing(with: v, where: v .> hi)
            }
            sum += Double(s.sum())
            sumOfSquares += Double(q.sum())
            i += 64
        }
        nans += Int(nanCount.wrappedSum())
        infs += Int(infCount.wrappedSum())
        zeros += Int(zeroCount.wrappedSum())
        let lowest = Double(lo.min()), highest = Double(hi.max())
        if lowest < min { min = lowest }
        if highest > max { max = highest }
        sampled += i
        while i < count {
            add(Double(p[i]))
            i += 1
        }
    }
}
