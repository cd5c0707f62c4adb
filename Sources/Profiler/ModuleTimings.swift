import Histogram
import ModelView

/// Per-module accumulation of one time per forward (or per backward pass): hdrhistogram since the start
/// (3 significant digits) and a sliding window of the most recent values with their sum, for the window's
/// percentiles and mean.
struct ModuleTimings {
    private(set) var count = 0
    private var sinceStart = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
    private var totalNs: UInt64 = 0
    private(set) var window: [UInt64] = []
    private var windowNs: UInt64 = 0
    let windowSize: Int

    init(windowSize: Int) { self.windowSize = windowSize }

    mutating func record(_ ns: UInt64) {
        count += 1
        _ = sinceStart.record(ns)
        totalNs &+= ns
        window.append(ns)
        windowNs &+= ns
        if window.count > windowSize {
            windowNs &-= window.removeFirst()
        }
    }

    /// Percentiles and mean of the window and since the start, in ms.
    var timing: Timing { Timing(window: windowPercentiles, total: totalPercentiles) }

    var windowPercentiles: Percentiles {
        guard !window.isEmpty else { return .zero }
        let sorted = window.sorted()
        func at(_ p: Double) -> Double { Double(sorted[Swift.min(sorted.count - 1, Int((p / 100) * Double(sorted.count)))]) / 1e6 }
        return Percentiles(p50: at(50), p90: at(90), p99: at(99), max: Double(sorted.last ?? 0) / 1e6,
                           mean: Double(windowNs) / Double(window.count) / 1e6)
    }

    var totalPercentiles: Percentiles {
        guard count > 0 else { return .zero }
        func ms(_ ns: UInt64) -> Double { Double(ns) / 1e6 }
        return Percentiles(p50: ms(sinceStart.valueAtPercentile(50)), p90: ms(sinceStart.valueAtPercentile(90)),
                           p99: ms(sinceStart.valueAtPercentile(99)), max: ms(sinceStart.max),
                           mean: Double(totalNs) / Double(count) / 1e6)
    }

    /// The window in ms, oldest first (sparklines).
    var historyMs: [Double] { window.map { Double($0) / 1e6 } }
}

/// Self and inclusive time of one module, recorded together (per forward, or per backward pass).
struct SplitTimings {
    var selfTime: ModuleTimings
    var inclusive: ModuleTimings

    init(windowSize: Int) {
        selfTime = ModuleTimings(windowSize: windowSize)
        inclusive = ModuleTimings(windowSize: windowSize)
    }

    mutating func record(selfTime: UInt64, inclusive: UInt64) {
        self.selfTime.record(selfTime)
        self.inclusive.record(inclusive)
    }

    var count: Int { inclusive.count }
}
