import NNModules

/// Measures what profiling costs: the same forward plain, hooked with latency only, and hooked with
/// activation statistics, interleaved run by run so machine noise hits all three alike.
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

    public static func run(model: Module, inputs: [Value], runs: Int, clock: any ProfilerClock = MonotonicClock()) throws -> Result {
        var plain: [Double] = [], hooked: [Double] = [], withStats: [Double] = []
        var latencyOnly = ModuleProfiler.Options()
        latencyOnly.statisticsEvery = 0
        var hookCalls = 0
        func time(_ body: () throws -> Void) rethrows -> Double {
            let start = clock.nanoseconds()
            try body()
            return Double(clock.nanoseconds() - start) / 1e6
        }
        _ = try model.call(inputs)
        for _ in 0..<max(runs, 1) {
            plain.append(try time { _ = try model.call(inputs) })
            let profiler = ModuleProfiler(attachingTo: model, clock: clock, options: latencyOnly)
            hooked.append(try time { _ = try model.call(inputs) })
            hookCalls = 2 * profiler.report().rows.map(\.calls).reduce(0, +)
            profiler.detach()
            let statistics = ModuleProfiler(attachingTo: model, clock: clock)
            withStats.append(try time { _ = try model.call(inputs) })
            statistics.detach()
        }
        return Result(plainMedianMs: median(plain), hookedMedianMs: median(hooked), statisticsMedianMs: median(withStats),
                      hookCallsPerForward: hookCalls)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
