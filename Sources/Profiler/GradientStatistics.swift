import NNModules

/// Statistics of the gradients a module's own parameters received in the last backward: what tells a
/// vanishing, exploding or non-finite gradient apart at a glance. Computed in float64 over every element
/// (a norm is not something to sample).
public struct GradientStatistics: Sendable, Equatable {
    /// Elements over all the module's parameter gradients.
    public var count: Int
    /// L2 norm of the finite elements (torch: `torch.linalg.vector_norm` of the concatenated grads).
    public var norm: Double
    public var mean: Double
    /// Largest finite |g|.
    public var maxAbs: Double
    public var nanCount: Int
    public var infCount: Int

    public init(count: Int, norm: Double, mean: Double, maxAbs: Double, nanCount: Int, infCount: Int) {
        self.count = count
        self.norm = norm
        self.mean = mean
        self.maxAbs = maxAbs
        self.nanCount = nanCount
        self.infCount = infCount
    }

    /// The statistics of these gradients together; nil when there are none (frozen, or not reached).
    public static func of(_ grads: [Tensor]) throws -> GradientStatistics? {
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
        return GradientStatistics(count: count, norm: squares.squareRoot(), mean: sum / Double(count), maxAbs: maxAbs,
                                  nanCount: nans, infCount: infs)
    }

    /// The gradients of `module`'s own parameters (not its children's).
    public static func ofParameters(of module: Module) throws -> GradientStatistics? {
        try of(module.parameters(recurse: false).compactMap(\.grad))
    }

    public var json: JSONText {
        .object([("grad_norm", .double(norm)), ("grad_mean", .double(mean)), ("grad_max", .double(maxAbs)),
                 ("nan_count", .int(nanCount)), ("inf_count", .int(infCount))])
    }
}
