import ModelView
import NNModules

/// Computes `GradientStats` in float64 over every element (a norm is not something to sample).
public enum GradientStatistics {
    /// The statistics of these gradients together; nil when there are none (frozen, or not reached).
    public static func of(_ grads: [Tensor]) throws -> GradientStats? {
        guard !grads.isEmpty else { return nil }
        var count = 0, nans = 0, infs = 0
        var sum = 0.0, squares = 0.0, maxAbs = 0.0
        for grad in grads where !grad.isMeta {
            for v in try grad.toDoubles() {
                count += 1
                sum += v
                if v.isNaN { nans += 1 } else if v.isInfinite { infs += 1 } else {
                    squares += v * v
                    maxAbs = Swift.max(maxAbs, Swift.abs(v))
                }
            }
        }
        guard count > 0 else { return nil }
        return GradientStats(count: count, norm: squares.squareRoot(), mean: sum / Double(count), maxAbs: maxAbs,
                             nanCount: nans, infCount: infs)
    }

    /// The gradients of `module`'s own parameters (not its children's).
    public static func ofParameters(of module: Module) throws -> GradientStats? {
        try of(module.parameters(recurse: false).compactMap(\.grad))
    }
}
