import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `nntop bench --startup`: time to the first frame and to the first measured forward on screen, for the
/// real binary in a pseudo-terminal (the interactive view as a user starts it), each model in a fresh
/// process. The child notes both moments (`StartupLog`) on the same monotonic clock the parent started from.
enum StartupBenchmark {
    struct Result {
        let model: String
        let firstFrameSeconds: Double?
        let firstLatencySeconds: Double?
        /// Forwards per second the view's runner made while the view drew, after the first latency.
        let liveForwardsPerSecond: Double?
        /// With a `hookedRate`: its forwards per second, over the windows between the live ones.
        let hookedForwardsPerSecond: Double?
        /// The median over the windows of live rate ÷ the hooked rate measured right after it.
        let liveShare: Double?
        /// (live, hooked) forwards/s of each window.
        let windows: [(live: Double, hooked: Double)]
        let exitStatus: Int32
    }

    /// Starts `nntop MODEL` in a pseudo-terminal, waits for both events (at most `timeout` seconds for the
    /// first latency), lets the view run `liveSeconds` more, then quits it with `q`.
    ///
    /// The live time is cut into windows of about 2.5 s. After each, with `hookedRate`, the view is paused
    /// (`p`), `hookedRate(seconds)` times the same model's hooked forwards in this process for half as long,
    /// and the view resumes: this shared machine's speed drifts by ±25 % over seconds, so a live rate set
    /// against a benchmark taken at another moment measured the drift, not the view. The live rate of a
    /// window is the mean of the runner's own forwards/s (each over its last second, from the forwards'
    /// end times) on the frame-log lines whose second lies inside the window.
    static func measure(model: String, timeout: Double, liveSeconds: Double = 0, hookedRate: ((Double) throws -> Double)? = nil,
                        size: (columns: Int, lines: Int) = (160, 48)) throws -> Result {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-startup-\(getpid())-\(UUID().uuidString)")
        let frameLog = URL(fileURLWithPath: log.path + ".frames")
        defer {
            try? FileManager.default.removeItem(at: log)
            try? FileManager.default.removeItem(at: frameLog)
        }
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path

        // util-linux `script` (essential on Debian) gives the child a pseudo-terminal on stdin and stdout.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        child.arguments = ["-q", "-e", "-f", "-c", shellQuoted([binary, model]), "/dev/null"]
        var environment = ProcessInfo.processInfo.environment
        environment["NNTOP_STARTUP_LOG"] = log.path
        if liveSeconds > 0 {
            environment["NNTOP_FRAME_LOG"] = frameLog.path
            environment["NNTOP_FRAME_LOG_INTERVAL"] = "0.25"
        }
        environment["TERM"] = environment["TERM"].flatMap { $0.isEmpty || $0 == "dumb" ? nil : $0 } ?? "xterm-256color"
        // ncurses takes the size from these when the pseudo-terminal reports none.
        environment["COLUMNS"] = String(size.columns)
        environment["LINES"] = String(size.lines)
        child.environment = environment
        let input = Pipe(), output = Pipe()
        child.standardInput = input
        child.standardOutput = output
        child.standardError = output
        // The screen output is read and dropped, so the child never blocks on a full pipe.
        let drain = Thread { while !output.fileHandleForReading.availableData.isEmpty {} }
        let start = StartupLog.now()
        try child.run()
        drain.start()
        let deadline = Date().addingTimeInterval(timeout)
        var events: [String: UInt64] = [:]
        while child.isRunning && Date() < deadline && events["first_latency"] == nil {
            Thread.sleep(forTimeInterval: 0.005)
            events = readEvents(log)
        }
        var liveRates: [Double] = [], hookedRates: [Double] = [], shares: [Double] = []
        if liveSeconds > 0, events["first_latency"] != nil {
            let windows = Swift.max(1, Int((liveSeconds / 2.5).rounded()))
            let seconds = liveSeconds / Double(windows)
            for _ in 0..<windows {
                let begin = StartupLog.now()
                Thread.sleep(forTimeInterval: seconds)
                let end = StartupLog.now()
                // Lines whose one-second look-back lies inside the window, while the runner ran.
                let rates = readFrameLog(frameLog)
                    .filter { $0.running && $0.ns >= begin + 1_000_000_000 && $0.ns <= end && $0.runsPerSecond > 0 }
                    .map(\.runsPerSecond)
                guard !rates.isEmpty else { continue }
                let live = rates.reduce(0, +) / Double(rates.count)
                liveRates.append(live)
                guard let hookedRate else { continue }
                input.fileHandleForWriting.write(Data("p".utf8))
                waitForRunner(running: false, in: frameLog, since: end, timeout: 5)
                let hooked = try hookedRate(seconds / 2)
                input.fileHandleForWriting.write(Data("p".utf8))
                waitForRunner(running: true, in: frameLog, since: StartupLog.now(), timeout: 5)
                hookedRates.append(hooked)
                if hooked > 0 { shares.append(live / hooked) }
            }
        }
        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
        func median(_ values: [Double]) -> Double? {
            let sorted = values.sorted(), n = sorted.count
            return n == 0 ? nil : (sorted[(n - 1) / 2] + sorted[n / 2]) / 2
        }
        input.fileHandleForWriting.write(Data("q".utf8))
        let quitDeadline = Date().addingTimeInterval(10)
        while child.isRunning && Date() < quitDeadline { Thread.sleep(forTimeInterval: 0.01) }
        if child.isRunning { child.terminate() }
        child.waitUntilExit()
        events = readEvents(log)
        func seconds(_ event: String) -> Double? { events[event].map { Double($0 &- start) / 1e9 } }
        return Result(model: model, firstFrameSeconds: seconds("first_frame"), firstLatencySeconds: seconds("first_latency"),
                      liveForwardsPerSecond: mean(liveRates), hookedForwardsPerSecond: mean(hookedRates),
                      liveShare: median(shares), windows: Array(zip(liveRates, hookedRates)).map { (live: $0.0, hooked: $0.1) },
                      exitStatus: child.terminationStatus)
    }

    /// Waits (at most `timeout` s) for a frame-log line after `since` that shows the runner running or not.
    private static func waitForRunner(running: Bool, in frameLog: URL, since: UInt64, timeout: Double) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if readFrameLog(frameLog).contains(where: { $0.ns > since && $0.running == running }) { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    private static func shellQuoted(_ words: [String]) -> String {
        words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    }

    /// Time, runner state and the runner's forwards/s over its last second, of each line of a frame log.
    private static func readFrameLog(_ url: URL) -> [(ns: UInt64, running: Bool, runsPerSecond: Double)] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let ns = (object["t_ns"] as? NSNumber)?.uint64Value else { return nil }
            return (ns, object["runner"] as? String == "running", (object["runs_per_second"] as? NSNumber)?.doubleValue ?? 0)
        }
    }

    private static func readEvents(_ url: URL) -> [String: UInt64] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
        var events: [String: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let ns = UInt64(parts[1]) { events[String(parts[0])] = ns }
        }
        return events
    }
}

struct StartupBenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
