import Foundation

/// Runs the real `nntop` binary, as a user would.
public enum NNTopBinary {
    public static var url: URL {
        let root = Goldens.repositoryRoot.appendingPathComponent(".build")
        let candidates = ["debug", "release"].map { root.appendingPathComponent($0).appendingPathComponent("nntop") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    public typealias Output = Subprocess.Result

    /// Runs nntop with `arguments`; a run still going after `timeout` seconds is killed and the test fails
    /// (a hang shows as a failure instead of a stuck test run).
    public static func run(_ arguments: [String], timeout: Double = 300) throws -> Output {
        try Subprocess.run(url.path, arguments, timeout: timeout)
    }
}
