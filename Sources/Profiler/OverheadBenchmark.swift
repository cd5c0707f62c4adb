import NNModules

/// Measures what profiling costs: the same forward plain, hooked with latency only, and hooked with
/// activation statistics (at the profiler's default budget, as a user's session runs them).
///
/// The three variants run in interleaved blocks, in a rotating order, so a shared machine's load and a
/// drift of the clock speed fall on all three alike (measured one after the other, the same unhooked
/// model varied by more than the effect measured). Each hooked variant keeps one profiler across its
/// blocks, detached between them, so its statistics budget runs on as in a session, and one untimed
/// forward opens each block (first-call costs are not per-hook overhead). Models faster than a
/// millisecond are timed in batches of forwards, so the clock's resolution does not enter the ratio.
public enum OverheadBenchmark {
    public struct Result: Sendable, Equatable {
        public var plainMedianMs: Double
        public var hookedMedianMs: Double
        public var statisticsMedianMs: Double
        /// Means over all samples: under a budget, statistics come for a share of the forwards, so the
        /// time per forward is bimodal and its median may be a forward without them.
        public var plainMeanMs: Double
        public var statisticsMeanMs: Double
        /// Hook callbacks per forward (one pre and one post per module call).
        public var hookCallsPerForward: Int
        public var overheadRatio: Double { hookedMedianMs / max(plainMedianMs, 1e-12) }
        /// What statistics cost on average over a session's forwards (mean ÷ mean, not median ÷ median).
        public var statisticsOverheadRatio: Double { statisticsMeanMs / max(plainMeanMs, 1e-12) }
        /// Extra time per hook callback, in nanoseconds.
        public var perHookNs: Double { max(0, hookedMedianMs - plainMedianMs) * 1e6 / Double(max(hookCallsPerForward, 1)) }
    }

    /// About `runs` timed samples per variant, in blocks of `block`.
    public static func run(model: Module, inputs: [Value], runs: Int, block: Int = 3,
                           clock: any ProfilerClock = MonotonicClock()) throws -> Result {
        try GradMode.noGrad { try measure(model: model, inputs: inputs, runs: max(runs, 1), block: max(block, 1), clock: clock) }
    }

    private static func measure(model: Module, inputs: [Value], runs: Int, block: Int, clock: any ProfilerClock) throws -> Result {
        func forward() throws { _ = try model.call(inputs) }
        // Batch size: forwards per sample so that a sample lasts at least a millisecond.
        try forward()
        let probeStart = clock.nanoseconds()
        try forward()
        let probeNs = max(clock.nanoseconds() &- probeStart, 1)
        let batch = Int(min(max(1, 1_000_000 / probeNs), 10_000))

        var latencyOnly = ModuleProfiler.Options()
        latencyOnly.statisticsEvery = 0
        // A profiler's first forwards grow its histograms (each new maximum resizes them): a session pays
        // that once, at its start, so each profiler runs a few forwards before anything is timed.
        let settling = Int(min(max(4, 200_000_000 / probeNs), 64))
        let hooked = ModuleProfiler(attachingTo: model, clock: clock, options: latencyOnly)
        for _ in 0..<settling { try forward() }
        hooked.detach()
        let statistics = ModuleProfiler(attachingTo: model, clock: clock)
        for _ in 0..<settling { try forward() }
        statistics.detach()
        defer {
            hooked.detach()
            statistics.detach()
        }
        let profilers: [ModuleProfiler?] = [nil, hooked, statistics]
        var samples: [[Double]] = [[], [], []]
        let rounds = (runs + block - 1) / block
        for round in 0..<rounds {
            for k in 0..<3 {
                let variant = (round + k) % 3
                profilers[variant]?.resume()
                try forward()
                for _ in 0..<block {
                    let start = clock.nanoseconds()
                    for _ in 0..<batch { try forward() }
                    samples[variant].append(Double(clock.nanoseconds() &- start) / 1e6 / Double(batch))
                }
                profilers[variant]?.detach()
            }
        }
        let forwards = hooked.forwards
        let hookCalls = forwards > 0 ? 2 * hooked.snapshot().modules.map(\.calls).reduce(0, +) / forwards : 0
        return Result(plainMedianMs: median(samples[0]), hookedMedianMs: median(samples[1]),
                      statisticsMedianMs: median(samples[2]), plainMeanMs: mean(samples[0]),
                      statisticsMeanMs: mean(samples[2]), hookCallsPerForward: hookCalls)
    }

    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
