import Foundation
import Histogram
import Synchronization
import ModelView
import NNModules
@testable import Profiler
import Testing

/// The fused float32 pass must give what the plain two-pass definition gives on the same values, for
/// every length (SIMD body and scalar tail), with NaN/Inf anywhere, and read bounded samples of big tensors.
struct ActivationStatisticsTests {
    /// The reference: torch's definitions in double, two passes, over `values`.
    static func reference(_ values: [Float]) -> (mean: Double, std: Double, min: Double, max: Double, nans: Int, infs: Int, zeros: Int) {
        let v = values.map(Double.init)
        let nans = v.filter(\.isNaN).count, infs = v.filter(\.isInfinite).count, zeros = v.filter { $0 == 0 }.count
        let mean = v.reduce(0, +) / Double(v.count)
        let std = (v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(v.count - 1)).squareRoot()
        let finite = v.filter { !$0.isNaN }
        return (mean, std, nans > 0 ? .nan : finite.min()!, nans > 0 ? .nan : finite.max()!, nans, infs, zeros)
    }

    static func close(_ a: Double, _ b: Double, _ scale: Double) -> Bool {
        (a.isNaN && b.isNaN) || a == b || abs(a - b) <= 1e-5 * max(scale, 1e-30)
    }

    @Test(arguments: [1, 2, 7, 63, 64, 65, 127, 128, 1000, 4099])
    func fusedPassMatchesTheTwoPassDefinition(count: Int) {
        var g = SystemRandomNumberGenerator()
        // Offset values: a large mean next to a small spread is where a naive sum of squares cancels.
        let values = (0..<count).map { i in i % 13 == 0 ? 0 : 100 + Float.random(in: -1...1, using: &g) }
        let stats = ActivationStatistics.of(Tensor(values.map(Double.init), shape: [count]), path: "")
        let ref = Self.reference(values)
        #expect(stats.sampled == count)
        #expect(Self.close(stats.mean, ref.mean, 100), "mean \(stats.mean) vs \(ref.mean)")
        if count > 1 { #expect(Self.close(stats.std, ref.std, ref.std), "std \(stats.std) vs \(ref.std)") } else { #expect(stats.std.isNaN) }
        #expect(stats.min == ref.min && stats.max == ref.max)
        #expect(stats.zeroFraction == Double(ref.zeros) / Double(count))
    }

    @Test(arguments: [0, 5, 63, 64, 100])
    func nanAndInfAnywhereAreCounted(position: Int) {
        var values = [Float](repeating: 1, count: 101)
        values[position] = .nan
        values[(position + 50) % 101] = -.infinity
        let stats = ActivationStatistics.of(Tensor(values.map(Double.init), shape: [101]), path: "")
        #expect(stats.nanCount == 1 && stats.infCount == 1)
        #expect(stats.mean.isNaN && stats.std.isNaN && stats.min.isNaN && stats.max.isNaN)
        #expect(stats.hasNonFinite)

        values[position] = 1
        let infOnly = ActivationStatistics.of(Tensor(values.map(Double.init), shape: [101]), path: "")
        #expect(infOnly.nanCount == 0 && infOnly.infCount == 1)
        #expect(infOnly.mean == -.infinity && infOnly.min == -.infinity && infOnly.max == 1)
        #expect(infOnly.std.isNaN)
    }

    @Test func bigTensorsAreReadAsABoundedSampleOfBlocks() throws {
        let n = 1 << 20
        let values = (0..<n).map { Float($0 % 1000) / 1000 }
        let t = Tensor(values.map(Double.init), shape: [n])
        let sampled = ActivationStatistics.of(t, path: "", sampleLimit: 1 << 14)
        #expect(sampled.sampled == 1 << 14)
        #expect(sampled.numel == n)
        // The blocks are spread over the whole tensor: the sample's extremes and mean are the tensor's.
        #expect(sampled.min == 0 && abs(sampled.max - 0.999) < 1e-6)
        #expect(abs(sampled.mean - 0.4995) < 0.02)
        let exact = ActivationStatistics.of(t, path: "", sampleLimit: .max)
        #expect(exact.sampled == n)
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(n)
        #expect(abs(exact.mean - mean) < 1e-6 * mean)
    }

    @Test func stridedViewsAndOtherDtypesTakeTheGeneralPath() throws {
        let t = Tensor((0..<12).map(Double.init), shape: [3, 4])
        let columns = try t.transpose(0, 1)
        let stats = ActivationStatistics.of(columns, path: "")
        #expect(stats.mean == 5.5 && stats.min == 0 && stats.max == 11 && stats.sampled == 12)
        let doubles = ActivationStatistics.of(Tensor([0, 2, 4], shape: [3], dtype: .float64), path: "")
        #expect(doubles.mean == 2 && doubles.std == 2 && doubles.zeroFraction == 1.0 / 3.0)
    }
}

/// A clock that moves `tick` on every read (statistics then cost exactly one tick: the two reads around
/// them) and `advance` when a module works.
final class TickingClock: ProfilerClock, @unchecked Sendable {
    let now = Mutex<UInt64>(0)
    let tick: UInt64
    init(tick: UInt64) { self.tick = tick }
    func nanoseconds() -> UInt64 { now.withLock { $0 += tick; return $0 } }
    func advance(_ ns: UInt64) { now.withLock { $0 += ns } }
}

final class Busy: Module {
    let clock: TickingClock
    init(_ clock: TickingClock) {
        self.clock = clock
        super.init()
    }
    override func forward(_ input: Tensor) throws -> Tensor {
        clock.advance(10_000_000)
        return try input + 1.0
    }
}

struct StatisticsBudgetTests {
    /// Statistics cost 2 ms of a 12 ms forward (17 %): within a 10 % budget they come for 60 % of the
    /// forwards, every module's latency stays what it was without them.
    @Test func expensiveStatisticsComeAtABoundedRate() throws {
        for budget in [0.1, 0] {
            let clock = TickingClock(tick: 2_000_000)
            let model = Busy(clock)
            var options = ModuleProfiler.Options()
            options.statisticsBudget = budget
            let profiler = ModuleProfiler(attachingTo: model, clock: clock, options: options)
            let forwards = 50
            for _ in 0..<forwards { _ = try model(Tensor.zeros([4])) }
            let root = try #require(profiler.snapshot().modules.first)
            if budget > 0 {
                #expect(abs(root.meanHistory.count - forwards * 6 / 10) <= 1, "\(root.meanHistory.count) of \(forwards)")
            } else {
                #expect(root.meanHistory.count == forwards)
            }
            #expect(Set(root.historyMs) == [12], "latency without the statistics' time: \(Set(root.historyMs))")
            #expect(root.outputs.first?.mean == 1)
        }
    }
}

struct ModuleTimingsTests {
    /// Since-start percentiles are re-read from the histogram once a second or when the count doubled;
    /// max and mean follow every record.
    @Test func sinceStartPercentilesAreReadAgainAsTheCountGrows() {
        var timings = ModuleTimings(windowSize: 8)
        for ms in 1...100 { timings.record(UInt64(ms) * 1_000_000) }
        let first = timings.totalPercentiles
        #expect(abs(first.p50 - 50) < 0.1 && abs(first.max - 100) < 0.1)
        for _ in 0..<2 { timings.record(1_000_000_000) }
        let stale = timings.totalPercentiles
        #expect(stale.p50 == first.p50 && stale.p99 == first.p99, "2 of 102 new within a second: not re-read")
        #expect(abs(stale.max - 1000) < 1 && stale.mean > first.mean)
        for _ in 0..<100 { timings.record(1_000_000_000) }
        let fresh = timings.totalPercentiles
        #expect(abs(fresh.p99 - 1000) < 1 && fresh.p50 > first.p50, "re-read: \(fresh)")
    }

    /// The one-walk reading gives exactly the library's `valueAtPercentile` for p50/p90/p99, on one value,
    /// on ties at the thresholds, on spread-out latencies and on zeros.
    @Test func oneWalkPercentilesEqualTheLibrarys() {
        var generator = SystemRandomNumberGenerator()
        let cases: [[UInt64]] = [
            [7_000_000],
            Array(repeating: 1_000, count: 50) + Array(repeating: 2_000_000, count: 50),
            (1...100).map { UInt64($0) },
            (0..<5_000).map { _ in UInt64.random(in: 1_000...900_000_000, using: &generator) },
            (0..<3_000).map { i in i % 7 == 0 ? 0 : UInt64(Double(50_000) * exp(Double.random(in: 0...9, using: &generator))) },
        ]
        for values in cases {
            var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
            histogram.autoResize = true
            for value in values { _ = histogram.record(value) }
            let (p50, p90, p99) = ModuleTimings.p50p90p99(histogram)
            #expect(p50 == histogram.valueAtPercentile(50), "\(values.count) values")
            #expect(p90 == histogram.valueAtPercentile(90), "\(values.count) values")
            #expect(p99 == histogram.valueAtPercentile(99), "\(values.count) values")
        }
        #expect(ModuleTimings.p50p90p99(Histogram<UInt64>(numberOfSignificantValueDigits: .three)) == (0, 0, 0))
    }
}
