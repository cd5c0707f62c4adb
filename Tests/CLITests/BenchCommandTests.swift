import Foundation
import GoldenSupport
import Testing

/// `nntop bench` is what `scripts/bench-vs-torch.py` reads: per model the forward's median, what building
/// it took, the profiling overhead of both kinds, and, with `--live-seconds`, the rate of the real
/// interactive view in a pseudo-terminal, each window of it paired with hooked forwards timed right after.
@Suite struct BenchCommandTests {
    @Test func benchReportsBuildOverheadAndTheLiveViewsRate() throws {
        let out = try NNTopBinary.run(["bench", "lenet5", "--runs", "3", "--warmup", "1", "--gemm", "0", "--live-seconds", "2"])
        #expect(out.status == 0, "\(out.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        let lenet = try #require((object["models"] as? [String: Any])?["lenet5"] as? [String: Any], "\(out.stdout)")
        for key in ["median_ms", "build_ms", "hooked_median_ms", "statistics_median_ms", "live_forwards_per_s",
                    "live_hooked_forwards_per_s", "live_share"] {
            let value = try #require(lenet[key] as? Double, "\(key) in \(lenet)")
            #expect(value > 0, "\(key) = \(value)")
        }
        #expect(lenet["hook_calls_per_forward"] as? Int == 26, "13 modules, a pre and a post hook each")
        let windows = try #require(lenet["live_windows"] as? [[Double]], "\(lenet)")
        #expect(windows.count == 1 && windows[0].count == 2, "2 s of live view: one window and its hooked forwards")
        if let pair = windows.first, let share = lenet["live_share"] as? Double {
            #expect(abs(share - pair[0] / pair[1]) < 0.01, "the share is the window's live ÷ hooked rate")
        }
    }
}
