import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `NNTOP_STARTUP_LOG=FILE`: the view notes when its first frame was drawn and when the first measured
/// forward reached the screen, as `CLOCK_MONOTONIC` nanoseconds, for `nntop bench --startup` (which starts
/// this binary in a pseudo-terminal and reads the file). Off unless the variable is set.
struct StartupLog {
    private let path: String?
    private var written: Set<String> = []

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        path = environment["NNTOP_STARTUP_LOG"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Appends `event <ns>` the first time `event` happens.
    mutating func mark(_ event: String) {
        guard let path, written.insert(event).inserted else { return }
        Self.append(Data("\(event) \(Self.now())\n".utf8), to: path)
    }

    /// Appends `data` to the file at `path`, creating it; a diagnostic log never stops the view, so a
    /// failure is ignored (also `FrameLog`'s writer).
    static func append(_ data: Data, to path: String) {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        handle.seekToEndOfFile()
        handle.write(data)
        try? handle.close()
    }

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
