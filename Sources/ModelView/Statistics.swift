/// Statistics of one output (or input) tensor, defined like the goldens' `activations.jsonl`: computed in
/// float64, `std` unbiased like `torch.std` (NaN below two elements), NaN/Inf propagate into the moments.
public struct ActivationStats: Codable, Sendable, Equatable {
    /// Position in a nested output (`"0"`, `"1.last_hidden_state"`); `""` for a single tensor.
    public var path: String
    public var shape: [Int]
    public var dtype: String
    public var numel: Int
    public var mean: Double
    public var std: Double
    public var min: Double
    public var max: Double
    public var nanCount: Int
    public var infCount: Int
    /// Fraction of exact zeros, 0...1 (dead ReLUs show here).
    public var zeroFraction: Double
    /// Elements the figures were computed from: `numel`, or a strided sample of a large tensor (counts are
    /// then scaled to `numel`).
    public var sampled: Int

    enum CodingKeys: String, CodingKey {
        case path, shape, dtype, numel, mean, std, min, max, nanCount = "nan_count", infCount = "inf_count",
             zeroFraction = "zero_fraction", sampled
    }

    public init(path: String = "", shape: [Int], dtype: String, numel: Int, mean: Double, std: Double, min: Double,
                max: Double, nanCount: Int = 0, infCount: Int = 0, zeroFraction: Double, sampled: Int) {
        self.path = path
        self.shape = shape
        self.dtype = dtype
        self.numel = numel
        self.mean = mean
        self.std = std
        self.min = min
        self.max = max
        self.nanCount = nanCount
        self.infCount = infCount
        self.zeroFraction = zeroFraction
        self.sampled = sampled
    }

    public var bytes: Int { numel * DTypeSize.itemSize(dtype) }
    public var hasNonFinite: Bool { nanCount + infCount > 0 }
    /// No values were read (a `meta` tensor): only shape and dtype are real.
    public var isShapeOnly: Bool { sampled == 0 }
}

/// Statistics of the gradients a module's own parameters received in the last backward: what tells a
/// vanishing, exploding or non-finite gradient apart at a glance.
public struct GradientStats: Codable, Sendable, Equatable {
    /// Elements over all the module's parameter gradients.
    public var count: Int
    /// L2 norm of the finite elements (torch: `torch.linalg.vector_norm` of the concatenated grads).
    public var norm: Double
    public var mean: Double
    /// Largest finite |g|.
    public var maxAbs: Double
    public var nanCount: Int
    public var infCount: Int

    enum CodingKeys: String, CodingKey {
        case count, norm, mean, maxAbs = "max_abs", nanCount = "nan_count", infCount = "inf_count"
    }

    public init(count: Int, norm: Double, mean: Double, maxAbs: Double, nanCount: Int = 0, infCount: Int = 0) {
        self.count = count
        self.norm = norm
        self.mean = mean
        self.maxAbs = maxAbs
        self.nanCount = nanCount
        self.infCount = infCount
    }

    public var hasNonFinite: Bool { nanCount + infCount > 0 }
}
