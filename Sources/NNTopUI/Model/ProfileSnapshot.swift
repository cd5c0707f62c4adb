/// Latency percentiles of one module, in milliseconds.
public struct LatencyStats: Sendable, Equatable {
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var max: Double

    public init(p50: Double, p90: Double, p99: Double, max: Double) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.max = max
    }
}

/// Statistics of a module's output activation (sampled by the profiler).
public struct ActivationStats: Sendable, Equatable {
    public var mean: Double
    public var std: Double
    public var min: Double
    public var max: Double
    /// Fraction of exact zeros, 0...1 (dead ReLUs show here).
    public var zeroFraction: Double
    public var nanCount: Int
    public var infCount: Int

    public init(
        mean: Double, std: Double, min: Double, max: Double, zeroFraction: Double, nanCount: Int = 0,
        infCount: Int = 0
    ) {
        self.mean = mean
        self.std = std
        self.min = min
        self.max = max
        self.zeroFraction = zeroFraction
        self.nanCount = nanCount
        self.infCount = infCount
    }
}

/// What the profiler measured for one row.
public struct RowProfile: Sendable, Equatable {
    public var calls: Int
    /// Time in this module's own code (inclusive minus children).
    public var selfTime: LatencyStats
    /// Time from pre-hook to post-hook.
    public var inclusive: LatencyStats
    /// Inclusive p50 as a fraction of the whole forward, 0...1.
    public var share: Double
    /// Recent inclusive latencies in ms, oldest first (drawn as a sparkline).
    public var history: [Double]
    public var activation: ActivationStats?
    /// Recent activation means, oldest first.
    public var activationHistory: [Double]

    public init(
        calls: Int, selfTime: LatencyStats, inclusive: LatencyStats, share: Double, history: [Double] = [],
        activation: ActivationStats? = nil, activationHistory: [Double] = []
    ) {
        self.calls = calls
        self.selfTime = selfTime
        self.inclusive = inclusive
        self.share = share
        self.history = history
        self.activation = activation
        self.activationHistory = activationHistory
    }
}

/// State of the thread that runs sample forwards.
public enum RunnerState: Sendable, Equatable {
    case running
    case paused
    /// The sample forward threw; the message is shown in the header.
    case failed(String)
    /// A profile recorded earlier (`nntop FILE.json`): nothing runs, the numbers are the file's.
    case recorded
}

/// One immutable picture of the profiler, published by the runner and read at the UI's frame rate.
public struct ProfileSnapshot: Sendable, Equatable {
    /// Indexed like `ModelInfo.rows`; `nil` for modules that have not run (yet).
    public var rows: [RowProfile?]
    public var runsPerSecond: Double
    public var runner: RunnerState
    /// First row (in execution order) whose output contained NaN or Inf.
    public var firstNonFiniteRow: Int?

    public init(
        rows: [RowProfile?], runsPerSecond: Double, runner: RunnerState, firstNonFiniteRow: Int? = nil
    ) {
        self.rows = rows
        self.runsPerSecond = runsPerSecond
        self.runner = runner
        self.firstNonFiniteRow = firstNonFiniteRow
    }

    /// The profile of `row`, or `nil` when out of range or not measured.
    public func profile(_ row: Int) -> RowProfile? {
        rows.indices.contains(row) ? rows[row] : nil
    }
}
