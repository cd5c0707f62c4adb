import Foundation
import ModelView

/// `NNTOP_FRAME_LOG=FILE`: every `NNTOP_FRAME_LOG_INTERVAL` seconds (default 10) the view appends one JSON
/// line with how its frames went since the last line, for the soak script (`scripts/soak`), which reads it
/// next to the process's RSS. A stall shows as `max_gap_ms` (the longest time between two passes of the input
/// loop, which normally wakes every 50 ms) and `max_frame_ms` (render plus drawing). Off unless set.
struct FrameLog {
    private let path: String?
    private let interval: UInt64
    private var windowStart: UInt64 = 0
    private var lastPass: UInt64 = 0
    private var frames = 0
    private var frameTimes: [Double] = []
    private var maxGap: Double = 0

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        path = environment["NNTOP_FRAME_LOG"].flatMap { $0.isEmpty ? nil : $0 }
        let seconds = environment["NNTOP_FRAME_LOG_INTERVAL"].flatMap(Double.init) ?? 10
        interval = UInt64(max(0.1, seconds) * 1e9)
    }

    var isOn: Bool { path != nil }

    /// Called at the top of every pass of the input loop.
    mutating func pass(now: UInt64) {
        guard path != nil else { return }
        if lastPass != 0 { maxGap = max(maxGap, Double(now &- lastPass) / 1e6) }
        if windowStart == 0 { windowStart = now }
        lastPass = now
    }

    /// One drawn frame that took `nanoseconds` to render and present.
    mutating func frame(nanoseconds: UInt64) {
        guard path != nil else { return }
        frames += 1
        frameTimes.append(Double(nanoseconds) / 1e6)
    }

    /// Writes the line for the interval just ended, if it has.
    mutating func flushIfDue(now: UInt64, snapshot: ProfileSnapshot?, rows: Int) {
        guard let path, now &- windowStart >= interval else { return }
        frameTimes.sort()
        let root = snapshot?.modules.first
        var line: [String: Any] = [
            "t_ns": now, "frames": frames, "max_gap_ms": maxGap,
            "max_frame_ms": frameTimes.last ?? 0,
            "p50_frame_ms": frameTimes.isEmpty ? 0 : frameTimes[frameTimes.count / 2],
            "forwards": snapshot?.runner.forwards ?? 0, "runner": snapshot?.runner.state.rawValue ?? "none",
            "runs_per_second": Self.finiteOrText(snapshot?.runner.runsPerSecond ?? 0),
            "rows": rows,
        ]
        if let root {
            line["root_p50_ms"] = Self.finiteOrText(root.inclusive.window.p50)
            line["root_p99_ms"] = Self.finiteOrText(root.inclusive.window.p99)
            line["root_max_ms"] = Self.finiteOrText(root.inclusive.total.max)
        }
        if let data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]) {
            StartupLog.append(data + Data([0x0A]), to: path)
        }
        windowStart = now
        frames = 0
        frameTimes.removeAll(keepingCapacity: true)
        maxGap = 0
    }

    /// JSON has no NaN/Inf: a non-finite percentile is written as text so the soak script sees it.
    private static func finiteOrText(_ value: Double) -> Any { value.isFinite ? value : "\(value)" }
}
