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

/// Statistics of a module's own parameter gradients after the last backward.
public struct GradientStats: Sendable, Equatable {
    public var norm: Double
    public var mean: Double
    /// Largest finite |g|.
    public var maxAbs: Double
    public var nanCount: Int
    public var infCount: Int

    public init(norm: Double, mean: Double, maxAbs: Double, nanCount: Int = 0, infCount: Int = 0) {
        self.norm = norm
        self.mean = mean
        self.maxAbs = maxAbs
        self.nanCount = nanCount
        self.infCount = infCount
    }
}

/// A module's share of the backward pass in train-step mode.
public struct BackwardProfile: Sendable, Equatable {
    /// The autograd nodes this module's own forward code created.
    public var selfTime: LatencyStats
    /// Its nodes and its submodules'.
    public var inclusive: LatencyStats

    public init(selfTime: LatencyStats, inclusive: LatencyStats) {
        self.selfTime = selfTime
        self.inclusive = inclusive
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
    /// Train-step mode: backward time (nil when no gradient flowed through this module).
    public var backward: BackwardProfile?
    /// Train-step mode: this module's own parameter gradients (nil when frozen or unreached).
    public var gradient: GradientStats?

    public init(
        calls: Int, selfTime: LatencyStats, inclusive: LatencyStats, share: Double, history: [Double] = [],
        activation: ActivationStats? = nil, activationHistory: [Double] = [], backward: BackwardProfile? = nil,
        gradient: GradientStats? = nil
    ) {
        self.calls = calls
        self.selfTime = selfTime
        self.inclusive = inclusive
        self.share = share
        self.history = history
        self.activation = activation
        self.activationHistory = activationHistory
        self.backward = backward
        self.gradient = gradient
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

/// Train-step mode: each run is forward + loss + backward + optimizer step.
public struct TrainStepStatus: Sendable, Equatable {
    /// Losses of recent steps, oldest first (each before its step's update).
    public var losses: [Double]
    /// Wall time of the last backward, in ms.
    public var backwardMs: Double
    /// First row, in tree order, whose parameter gradients hold NaN/Inf.
    public var firstNonFiniteGradientRow: Int?

    public init(losses: [Double], backwardMs: Double, firstNonFiniteGradientRow: Int? = nil) {
        self.losses = losses
        self.backwardMs = backwardMs
        self.firstNonFiniteGradientRow = firstNonFiniteGradientRow
    }
}

/// One immutable picture of the profiler, published by the runner and read at the UI's frame rate.
public struct ProfileSnapshot: Sendable, Equatable {
    /// Indexed like `ModelInfo.rows`; `nil` for modules that have not run (yet).
    public var rows: [RowProfile?]
    public var runsPerSecond: Double
    public var runner: RunnerState
    /// First row (in execution order) whose output contained NaN or Inf.
    public var firstNonFiniteRow: Int?
    /// Set while the runner does training steps.
    public var trainStep: TrainStepStatus?
    /// Why the last training step failed (the runner went back to plain forwards).
    public var trainStepError: String?

    public init(
        rows: [RowProfile?], runsPerSecond: Double, runner: RunnerState, firstNonFiniteRow: Int? = nil,
        trainStep: TrainStepStatus? = nil, trainStepError: String? = nil
    ) {
        self.rows = rows
        self.runsPerSecond = runsPerSecond
        self.runner = runner
        self.firstNonFiniteRow = firstNonFiniteRow
        self.trainStep = trainStep
        self.trainStepError = trainStepError
    }

    /// The profile of `row`, or `nil` when out of range or not measured.
    public func profile(_ row: Int) -> RowProfile? {
        rows.indices.contains(row) ? rows[row] : nil
    }
}
