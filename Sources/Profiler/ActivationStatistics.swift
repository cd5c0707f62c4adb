import NNModules

/// Statistics of one output tensor, defined like the goldens' `activations.jsonl` (computed in float64;
/// `std` unbiased like `torch.std`, NaN for fewer than two elements; NaN/Inf propagate into the moments).
public struct ActivationStatistics: Sendable, Equatable {
    public var path: String
    public var shape: [Int]
    public var dtype: String
    public var numel: Int
    public var bytes: Int
    public var mean: Double
    public var std: Double
    public var min: Double
    public var max: Double
    public var nanCount: Int
    public var infCount: Int
    public var zeroFraction: Double
    /// Elements the moments were computed from: all of them, or a strided sample of large tensors.
    public var sampled: Int

    /// Computes the statistics of `tensor`; tensors above `sampleLimit` elements are read with a stride
    /// so the cost stays bounded (counts are then estimates scaled to `numel`). Meta tensors carry only
    /// shape and dtype.
    public static func of(_ tensor: Tensor, path: String, sampleLimit: Int = 1 << 20) -> ActivationStatistics {
        let n = tensor.count
        var stats = ActivationStatistics(path: path, shape: tensor.sizes, dtype: tensor.dtype.rawValue, numel: n,
                                         bytes: n * tensor.dtype.itemSize, mean: .nan, std: .nan, min: .nan, max: .nan,
                                         nanCount: 0, infCount: 0, zeroFraction: .nan, sampled: 0)
        let stride = Swift.max(1, n / Swift.max(sampleLimit, 1))
        guard !tensor.isMeta, n > 0, let values = try? tensor.toDoubles(every: stride) else { return stats }
        var sum = 0.0, lo = Double.infinity, hi = -Double.infinity
        var nans = 0, infs = 0, zeros = 0
        for v in values {
            sum += v
            if v.isNaN { nans += 1 } else {
                if v < lo { lo = v }
                if v > hi { hi = v }
                if v.isInfinite { infs += 1 }
            }
            if v == 0 { zeros += 1 }
        }
        let count = values.count
        let mean = sum / Double(count)
        var squares = 0.0
        for v in values {
            let d = v - mean
            squares += d * d
        }
        let scale = Double(n) / Double(count)
        stats.mean = mean
        stats.std = count < 2 ? .nan : (squares / Double(count - 1)).squareRoot()
        stats.min = nans > 0 ? .nan : lo
        stats.max = nans > 0 ? .nan : hi
        stats.nanCount = Int((Double(nans) * scale).rounded())
        stats.infCount = Int((Double(infs) * scale).rounded())
        stats.zeroFraction = Double(zeros) / Double(count)
        stats.sampled = count
        return stats
    }
}
