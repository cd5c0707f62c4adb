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
        let exitStatus: Int32
    }

    /// Starts `nntop MODEL` in a pseudo-terminal, waits for both events (at most `timeout` seconds for the
    /// first latency), lets the view run `liveSeconds` more (its frame log says how many forwards it made),
    /// then quits it with `q`.
    static func measure(model: String, timeout: Double, liveSeconds: Double = 0,
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
            environment["NNTOP_FRAME_LOG_INTERVAL"] = "0.5"
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
        var liveRate: Double?
        if liveSeconds > 0, events["first_latency"] != nil {
            // The rate between the first and the last frame-log line of the live period (whole intervals
            // of the runner's steady state; the first line may hold the model's first forwards).
            Thread.sleep(forTimeInterval: liveSeconds)
            let lines = readFrameLog(frameLog).filter { $0.forwards > 0 }
            if let first = lines.first, let last = lines.last, last.ns > first.ns {
                liveRate = Double(last.forwards - first.forwards) / (Double(last.ns - first.ns) / 1e9)
            }
        }
        input.fileHandleForWriting.write(Data("q".utf8))
        let quitDeadline = Date().addingTimeInterval(10)
        while child.isRunning && Date() < quitDeadline { Thread.sleep(forTimeInterval: 0.01) }
        if child.isRunning { child.terminate() }
        child.waitUntilExit()
        events = readEvents(log)
        func seconds(_ event: String) -> Double? { events[event].map { Double($0 &- start) / 1e9 } }
        return Result(model: model, firstFrameSeconds: seconds("first_frame"), firstLatencySeconds: seconds("first_latency"),
                      liveForwardsPerSecond: liveRate, exitStatus: child.terminationStatus)
    }

    private static func shellQuoted(_ words: [String]) -> String {
        words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    }

    /// (t_ns, forwards) of each line of a frame log.
    private static func readFrameLog(_ url: URL) -> [(ns: UInt64, forwards: Int)] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let ns = (object["t_ns"] as? NSNumber)?.uint64Value, let forwards = object["forwards"] as? Int else { return nil }
            return (ns, forwards)
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
