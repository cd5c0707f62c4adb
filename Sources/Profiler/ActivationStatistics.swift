import ModelView
import NNModules

/// Computes `ActivationStats` of tensors the way the goldens' `activations.jsonl` defines them.
public enum ActivationStatistics {
    /// The statistics of `tensor`; of tensors above `sampleLimit` elements, a sample of about that many
    /// is read so the cost stays bounded (counts are then estimates scaled to `numel`). Meta tensors carry
    /// only shape and dtype.
    public static func of(_ tensor: Tensor, path: String, sampleLimit: Int = 1 << 20) -> ActivationStats {
        let n = tensor.count
        var stats = ActivationStats(path: path, shape: tensor.sizes, dtype: tensor.dtype.rawValue, numel: n, mean: .nan,
                                    std: .nan, min: .nan, max: .nan, zeroFraction: .nan, sampled: 0)
        guard let summary = ValueSummary.of(tensor, limit: sampleLimit), summary.sampled > 0 else { return stats }
        let count = summary.sampled
        let scale = Double(n) / Double(count)
        stats.mean = summary.mean
        stats.std = summary.variance.squareRoot()
        stats.min = summary.nans > 0 ? .nan : summary.min
        stats.max = summary.nans > 0 ? .nan : summary.max
        stats.nanCount = Int((Double(summary.nans) * scale).rounded())
        stats.infCount = Int((Double(summary.infs) * scale).rounded())
        stats.zeroFraction = Double(summary.zeros) / Double(count)
        stats.sampled = count
        return stats
    }
}
