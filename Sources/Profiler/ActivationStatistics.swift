import ModelView
import NNModules

/// Computes `ActivationStats` of tensors the way the goldens' `activations.jsonl` defines them.
public enum ActivationStatistics {
    /// The statistics of `tensor`; tensors above `sampleLimit` elements are read with a stride so the cost
    /// stays bounded (counts are then estimates scaled to `numel`). Meta tensors carry only shape and dtype.
    public static func of(_ tensor: Tensor, path: String, sampleLimit: Int = 1 << 20) -> ActivationStats {
        let n = tensor.count
        var stats = ActivationStats(path: path, shape: tensor.sizes, dtype: tensor.dtype.rawValue, numel: n, mean: .nan,
                                    std: .nan, min: .nan, max: .nan, zeroFraction: .nan, sampled: 0)
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
