import Histogram

/// Latency percentiles in milliseconds.
public struct LatencyPercentiles: Sendable, Equatable {
    public var p50: Double, p90: Double, p99: Double, max: Double

    static func from(_ histogram: Histogram<UInt64>) -> LatencyPercentiles {
        func ms(_ ns: UInt64) -> Double { Double(ns) / 1e6 }
        guard histogram.totalCount > 0 else { return LatencyPercentiles(p50: 0, p90: 0, p99: 0, max: 0) }
        return LatencyPercentiles(p50: ms(histogram.valueAtPercentile(50)), p90: ms(histogram.valueAtPercentile(90)),
                                  p99: ms(histogram.valueAtPercentile(99)), max: ms(histogram.max))
    }

    static func from(window: [UInt64]) -> LatencyPercentiles {
        guard !window.isEmpty else { return LatencyPercentiles(p50: 0, p90: 0, p99: 0, max: 0) }
        let sorted = window.sorted()
        func at(_ p: Double) -> Double { Double(sorted[Swift.min(sorted.count - 1, Int((p / 100) * Double(sorted.count)))]) / 1e6 }
        return LatencyPercentiles(p50: at(50), p90: at(90), p99: at(99), max: Double(sorted.last ?? 0) / 1e6)
    }
}

/// Per-module accumulation: histograms since start (hdrhistogram, 3 significant digits) and a sliding
/// window of the most recent calls.
struct ModuleTimings {
    var calls = 0
    var selfSinceStart = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
    var inclusiveSinceStart = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
    var selfWindow: [UInt64] = []
    var inclusiveWindow: [UInt64] = []
    var lastInclusive: UInt64 = 0
    let windowSize: Int

    init(windowSize: Int) { self.windowSize = windowSize }

    mutating func record(selfTime: UInt64, inclusive: UInt64) {
        calls += 1
        _ = selfSinceStart.record(selfTime)
        _ = inclusiveSinceStart.record(inclusive)
        selfWindow.append(selfTime)
        inclusiveWindow.append(inclusive)
        if selfWindow.count > windowSize { selfWindow.removeFirst(selfWindow.count - windowSize) }
        if inclusiveWindow.count > windowSize { inclusiveWindow.removeFirst(inclusiveWindow.count - windowSize) }
        lastInclusive = inclusive
    }
}
