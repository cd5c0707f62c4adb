/// An immutable picture of everything measured so far, in `named_modules()` order; safe to hand to another
/// thread (the UI reads it at its own frame rate).
public struct ProfileReport: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var name: String
        public var className: String
        public var calls: Int
        /// Since the profiler attached.
        public var selfTime: LatencyPercentiles
        public var inclusiveTime: LatencyPercentiles
        /// Over the sliding window of recent calls.
        public var recentSelfTime: LatencyPercentiles
        public var recentInclusiveTime: LatencyPercentiles
        /// The most recent inclusive times in ms (oldest first), for sparklines.
        public var history: [Double]
        /// Outputs of the last call whose statistics were computed.
        public var outputs: [ActivationStatistics]
        /// Positional inputs of that call (paths `"0"`, `"1"`...), when input statistics were asked for.
        public var inputs: [ActivationStatistics]
        /// Multiply-accumulates of the last call (torchinfo's convention, see `MACCounter`).
        public var macs: Int
        public var flops: Int { 2 * macs }
        /// Backward time of the autograd nodes this module's forward created (nil: no backward reached it).
        public var backward: Backward?
        /// Statistics of this module's own parameter gradients after the last backward.
        public var gradient: GradientStatistics?
    }

    /// A module's share of the backward passes: `selfTime` is its own nodes, `inclusiveTime` adds its
    /// submodules'.
    public struct Backward: Sendable, Equatable {
        public var calls: Int
        public var selfTime: LatencyPercentiles
        public var inclusiveTime: LatencyPercentiles
        public var recentSelfTime: LatencyPercentiles
        public var recentInclusiveTime: LatencyPercentiles
        public var history: [Double]
    }

    public var rows: [Row]
    public var forwardPasses: Int
    /// Inclusive time of the root in the last forward, in ms.
    public var lastForwardMs: Double
    /// The first module, in execution order of the last forward with non-finite values, that output NaN/Inf.
    public var firstNonFinite: String?
    /// The innermost module that was running when the last forward raised.
    public var failedModule: String?
    /// Module calls in order, when tracing was asked for.
    public var trace: [TraceEvent]
    public var backwardPasses: Int = 0
    /// Wall time of the last whole backward (loss included), in ms.
    public var lastBackwardMs: Double = 0
    /// The first module, in `named_modules()` order, whose parameter gradients hold NaN/Inf.
    public var firstNonFiniteGradient: String?
    /// Total backward time per autograd node class since the start, most expensive first.
    public var backwardNodes: [BackwardNodeTime] = []
}

/// One autograd node class's share of the backward passes (torch profiler: `autograd::engine::evaluate_function: X`).
public struct BackwardNodeTime: Sendable, Equatable {
    public var name: String
    public var totalMs: Double
    public var count: Int

    public var json: JSONText { .object([("name", .string(name)), ("ms", .double(totalMs)), ("count", .int(count))]) }
}

/// One module call on the timeline (Chrome/Perfetto "complete" event).
public struct TraceEvent: Sendable, Equatable {
    public var name: String
    public var className: String
    public var depth: Int
    public var startNs: UInt64
    public var durationNs: UInt64
}
