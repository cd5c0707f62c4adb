import Foundation
import ModelSources
import ModelView
import NNTopUI
import Testing

/// `e` in the view writes a session; `nntop FILE` reopens it. What the user sees then must be exactly what
/// the live view showed when it was exported.
@Suite struct SessionRoundTripTests {
    @Test func aRecordedSessionReopensWithTheNumbersTheLiveViewShowed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-session-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let loaded = try ModelResolver.load("lenet5")
        loaded.module.eval()
        let live = LocalModelSource(loaded, exportDirectory: folder)
        live.start()
        defer { live.stop() }
        let deadline = Date().addingTimeInterval(60)
        while (live.latestSnapshot()?.snapshot.runner.forwards ?? 0) < 3 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        _ = live.perform(.setPaused(true))
        while live.latestSnapshot()?.snapshot.runner.state != .paused && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let shown = try #require(live.latestSnapshot()?.snapshot)
        #expect(shown.runner.forwards >= 3)

        let outcome = live.perform(.export(path: nil))
        #expect(!outcome.isError, "\(outcome.message)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        #expect(files.count == 1)
        let path = folder.appendingPathComponent(try #require(files.first)).path
        #expect(outcome.message.contains(path), "the export says where it wrote")

        let reopened = try SessionSource(path: path)
        #expect(reopened.tree == live.tree)
        var expected = shown
        expected.runner.state = .recorded
        expected.runner.runsPerSecond = 0
        #expect(reopened.latestSnapshot()?.snapshot == expected)

        // The same screen below the header line (which says "recorded session" instead of "paused").
        func screen(_ snapshot: ProfileSnapshot, capabilities: SourceCapabilities) -> [String] {
            var state = AppState(model: live.tree, size: TerminalSize(width: 160, height: 40), capabilities: capabilities)
            _ = reduce(&state, .snapshot(snapshot))
            _ = reduce(&state, .key(.down))
            return Array(render(state).text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().dropLast().map(String.init))
        }
        #expect(screen(shown, capabilities: live.capabilities) == screen(expected, capabilities: reopened.capabilities))
        #expect(reopened.perform(.setPaused(false)).isError, "a recorded session refuses commands")
    }

    @Test func aFileThatIsNotASessionSaysWhy() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-not-\(UUID().uuidString).json")
        try Data("{\"format\": \"nntop-session\", \"schema_version\": 99}".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let error = #expect(throws: ModelLoadError.self) { try SessionSource(path: file.path) }
        #expect(error?.description.contains("schema version 99") == true)
    }
}
