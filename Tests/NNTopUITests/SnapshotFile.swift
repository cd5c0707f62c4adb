import Foundation
import Testing

/// Compares rendered screens with text files committed under `__Snapshots__/` (trailing blanks ignored).
/// A missing file is recorded and the test fails once; `NNTOP_RECORD_SNAPSHOTS=1` re-records all.
enum SnapshotFile {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("__Snapshots__")

    static func assertMatches(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = directory.appendingPathComponent(name + ".txt")
        let actual = text + "\n"
        let record = ProcessInfo.processInfo.environment["NNTOP_RECORD_SNAPSHOTS"] == "1"
        guard !record, let expected = try? String(contentsOf: url, encoding: .utf8) else {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try actual.write(to: url, atomically: true, encoding: .utf8)
                Issue.record("recorded snapshot \(name); run the tests again", sourceLocation: sourceLocation)
            } catch {
                Issue.record("cannot write snapshot \(url.path): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        #expect(actual == expected, "screen differs from \(name).txt:\n\(actual)", sourceLocation: sourceLocation)
    }
}
