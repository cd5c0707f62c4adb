import Foundation
import ModelView

/// `nntop FILE.json`: a recorded session (`e` in the view, `nntop profile --json`) reopened without the
/// model — record on one machine, browse on another. Read-only: every command is refused with the reason.
public final class SessionSource: ModelSource {
    public let tree: ModelTree
    public let path: String
    private let recorded: VersionedSnapshot?

    public init(path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ModelLoadError(description: "\(path): cannot read: \(error.localizedDescription)")
        }
        let session: Session
        do { session = try Session.decode(data) } catch {
            throw ModelLoadError(description: "\(path): \(error)")
        }
        self.path = path
        tree = session.tree
        recorded = session.snapshot.map { snapshot in
            var shown = snapshot
            shown.runner.state = .recorded
            shown.runner.runsPerSecond = 0
            return VersionedSnapshot(version: 1, snapshot: shown)
        }
    }

    /// Whether `path` names a file that should be opened as a session rather than a checkpoint.
    public static func isSession(_ path: String) -> Bool {
        path.hasSuffix(".json") && FileManager.default.fileExists(atPath: path)
    }

    public var capabilities: SourceCapabilities { .recorded(path) }
    public func latestSnapshot() -> VersionedSnapshot? { recorded }
    public func start() {}
    public func stop() {}

    public func perform(_ command: SourceCommand) -> CommandOutcome {
        .refused("read-only: \(capabilities.readOnlyReason ?? "a recorded session")")
    }
}
