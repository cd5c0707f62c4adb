import Dispatch
import Histogram
import ModelView

/// Per-module accumulation of one time per forward (or per backward pass): hdrhistogram since the start
/// (3 significant digits) and a sliding window of the most recent values with their sum, for the window's
/// percentiles and mean.
struct ModuleTimings {
    private(set) var count = 0
    /// Created at the first value, sized for it (nil until then: a profiler has a few per module, most of
    /// them for passes that may never run).
    private var sinceStart: Histogram<UInt64>?
    private var totalNs: UInt64 = 0
    private(set) var window: [UInt64] = []
    private var windowNs: UInt64 = 0
    let windowSize: Int
    /// The since-start p50/p90/p99 as last read from the histogram, and the count they were read at (a
    /// box, so reading percentiles stays a non-mutating get for the snapshot's readers).
    private final class TotalCache { var read: (count: Int, at: UInt64, p50: UInt64, p90: UInt64, p99: UInt64)? }
    private let cachedTotal = TotalCache()

    init(windowSize: Int) { self.windowSize = windowSize }

    mutating func record(_ ns: UInt64) {
        if sinceStart == nil {
            // Room for 4× the first value: growing from the library's default range takes a resize per new
            // maximum, each through unspecialized generic code (9 % of a 400-forward `profile mobilenet_v2`).
            var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: Swift.max(2, ns > .max / 4 ? ns : ns * 4),
                                              numberOfSignificantValueDigits: .three)
            histogram.autoResize = true
            sinceStart = histogram
        }
        count += 1
        _ = sinceStart?.record(ns)
        totalNs &+= ns
        window.append(ns)
        windowNs &+= ns
        if window.count > windowSize {
            windowNs &-= window.removeFirst()
        }
    }

    /// Percentiles and mean of the window and since the start, in ms.
    static let totalsInterval: UInt64 = 1_000_000_000

    var timing: Timing { Timing(window: windowPercentiles, total: totalPercentiles) }

    var windowPercentiles: Percentiles {
        guard !window.isEmpty else { return .zero }
        let sorted = window.sorted()
        func at(_ p: Double) -> Double { Double(sorted[Swift.min(sorted.count - 1, Int((p / 100) * Double(sorted.count)))]) / 1e6 }
        return Percentiles(p50: at(50), p90: at(90), p99: at(99), max: Double(sorted.last ?? 0) / 1e6,
                           mean: Double(windowNs) / Double(window.count) / 1e6)
    }

    /// Since-start percentiles; max and mean exact. Reading them walks the histogram's buckets (measured at
    /// 13 % of a live ResNet-18 view's runner thread when every snapshot read them through the library's
    /// unspecialized `valueAtPercentile`), so p50/p90/p99 are read in one walk, again at most every
    /// `totalsInterval`, or sooner once the count doubled: after the first forwards, one more among many
    /// barely moves a since-start percentile.
    var totalPercentiles: Percentiles {
        guard count > 0, let sinceStart else { return .zero }
        func ms(_ ns: UInt64) -> Double { Double(ns) / 1e6 }
        let now = DispatchTime.now().uptimeNanoseconds
        let due = cachedTotal.read.map { read in
            read.count != count && (count >= 2 * read.count || count < read.count || now &- read.at >= Self.totalsInterval)
        } ?? true
        if due {
            let (p50, p90, p99) = Self.p50p90p99(sinceStart)
            cachedTotal.read = (count, now, p50, p90, p99)
        }
        let cached = cachedTotal.read!
        return Percentiles(p50: ms(cached.p50), p90: ms(cached.p90), p99: ms(cached.p99), max: ms(sinceStart.max),
                           mean: Double(totalNs) / Double(count) / 1e6)
    }

    /// `valueAtPercentile(50/90/99)` in one walk of the buckets: each call of the library's method walks
    /// them from the start through unspecialized generic code, while its `recordedValues()` iterator is
    /// inlinable, so this walk is specialized here and stops at the 99th percentile (a BERT view's runner
    /// spent 7.7 % of its time in those calls). Same rule as the library: the smallest recorded value whose
    /// cumulative count reaches ⌈(p − 1 ulp) · total / 100⌉, reported as its highest equivalent value,
    /// clamped to the recorded min and max.
    static func p50p90p99(_ histogram: Histogram<UInt64>) -> (UInt64, UInt64, UInt64) {
        let total = histogram.totalCount
        guard total > 0 else { return (0, 0, 0) }
        func countAt(_ percentile: Double) -> UInt64 {
            Swift.max(1, UInt64(((percentile.nextDown * Double(total)) / 100).rounded(.up)))
        }
        let targets = (countAt(50), countAt(90), countAt(99))
        let low = histogram.min, high = histogram.maxRecorded
        var found: (UInt64, UInt64, UInt64) = (high, high, high)
        var reached = 0
        for value in histogram.recordedValues() {
            let clamped = Swift.max(Swift.min(value.value, high), low)
            if reached == 0 && value.totalCountToThisValue >= targets.0 { found.0 = clamped; reached = 1 }
            if reached == 1 && value.totalCountToThisValue >= targets.1 { found.1 = clamped; reached = 2 }
            if reached == 2 && value.totalCountToThisValue >= targets.2 { found.2 = clamped; reached = 3; break }
        }
        return found
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
