import ArgumentParser
import Foundation
import ModelSources
import ModelView
#if canImport(Glibc)
import Glibc
#endif

/// `nntop bench-browse` (hidden): measures what browsing a big sharded checkpoint costs. It writes a sparse
/// Llama-2-7B-shaped checkpoint to a temporary folder, runs this very binary's `nntop summary` on it as a
/// child process (the real code path: lazy loading is automatic above 2 GiB), and reports the child's peak
/// resident memory.
struct BenchBrowseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-browse", abstract: "Measure the peak RSS of `nntop summary` on a sparse 7B checkpoint.",
        shouldDisplay: false)

    @Option(help: "Decoder layers of the Llama-2-7B shape (32 is the real model).") var layers = 32

    func run() throws {
        guard layers > 0 else { throw ValidationError("--layers must be positive") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-bench-browse-\(getpid())")
        try CLIError.wrap { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        defer { try? FileManager.default.removeItem(at: folder) }
        let apparent = try CLIError.wrap { try SparseCheckpoint.writeLlama(layers: layers, to: folder) }

        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        // Under the automatic threshold (few layers) browsing is asked for explicitly, as a user would.
        let automatic = WeightLoading.automatic.isLazy(checkpointBytes: apparent)
        child.arguments = ["summary", folder.path] + (automatic ? [] : ["--lazy-weights"])
        let output = Pipe()
        child.standardOutput = output
        let start = Date()
        try CLIError.wrap { try child.run() }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        // ru_maxrss of the reaped children: the child's peak RSS (its VmHWM), in kilobytes on Linux.
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        print("checkpoint: Llama-2-7B shape, \(layers) layers, F16, \(Format.bytes(apparent)) of tensor data "
              + "(\(SparseCheckpoint.diskBytes(folder) / 1024) KiB on disk)")
        print("nntop summary: exit \(child.terminationStatus), \(text.split(separator: "\n").count) lines, "
              + String(format: "%.1f s", seconds) + ", weights \(text.contains("weights not read") ? "not read" : "read")"
              + (automatic ? " (automatic)" : " (--lazy-weights)"))
        print("peak RSS: \(usage.ru_maxrss / 1024) MB")
        if child.terminationStatus != 0 { throw ExitCode(child.terminationStatus) }
    }
}
