import NNModules

/// Measures what profiling costs: the same forward plain, hooked with latency only, and hooked with
/// activation statistics (computed on every call).
public enum OverheadBenchmark {
    public struct Result: Sendable, Equatable {
        public var plainMedianMs: Double
        public var hookedMedianMs: Double
        public var statisticsMedianMs: Double
        /// Hook callbacks per forward (one pre and one post per module call).
        public var hookCallsPerForward: Int
        public var overheadRatio: Double { hookedMedianMs / max(plainMedianMs, 1e-12) }
        public var statisticsOverheadRatio: Double { statisticsMedianMs / max(plainMedianMs, 1e-12) }
        /// Extra time per hook callback, in nanoseconds.
        public var perHookNs: Double { max(0, hookedMedianMs - plainMedianMs) * 1e6 / Double(max(hookCallsPerForward, 1)) }
    }

    /// Times `runs` forwards of each variant. Each hooked variant keeps one profiler attached for all its
    /// runs (after one untimed call), as a user's session does, so first-call costs (histogram growth) are
    /// not counted as per-hook overhead.
    public static func run(model: Module, inputs: [Value], runs: Int, clock: any ProfilerClock = MonotonicClock()) throws -> Result {
        try GradMode.noGrad { try measure(model: model, inputs: inputs, runs: runs, clock: clock) }
    }

    private static func measure(model: Module, inputs: [Value], runs: Int, clock: any ProfilerClock) throws -> Result {
        func time(_ body: () throws -> Void) rethrows -> Double {
            let start = clock.nanoseconds()
            try body()
            return Double(clock.nanoseconds() - start) / 1e6
        }
        func timed(_ n: Int) throws -> [Double] {
            _ = try model.call(inputs)
            return try (0..<n).map { _ in try time { _ = try model.call(inputs) } }
        }
        let count = max(runs, 1)
        let plain = try timed(count)
        var latencyOnly = ModuleProfiler.Options()
        latencyOnly.statisticsEvery = 0
        let hookedProfiler = ModuleProfiler(attachingTo: model, clock: clock, options: latencyOnly)
        let hooked = try timed(count)
        let hookCalls = 2 * hookedProfiler.snapshot().modules.map(\.calls).reduce(0, +) / (count + 1)
        hookedProfiler.detach()
        let statisticsProfiler = ModuleProfiler(attachingTo: model, clock: clock)
        let withStats = try timed(count)
        statisticsProfiler.detach()
        return Result(plainMedianMs: median(plain), hookedMedianMs: median(hooked), statisticsMedianMs: median(withStats),
                      hookCallsPerForward: hookCalls)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
