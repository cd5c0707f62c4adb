/// Everything a view needs from a model, wherever it lives: a Swift module with its runner, a recorded
/// session, a `.pt2` archive, a live PyTorch process. The view reads the tree and the newest snapshot at its
/// own rate and asks for changes through `perform`; a source that cannot do something says so.
public protocol ModelSource: AnyObject, Sendable {
    /// The structure as it is now (`requires_grad` edits included).
    var tree: ModelTree { get }
    /// What the view may offer (keys, footer hints).
    var capabilities: SourceCapabilities { get }
    /// The newest measurements; `version` grows with each new one, so a reader can skip what it has seen.
    func latestSnapshot() -> VersionedSnapshot?
    /// Starts producing snapshots (a runner thread, a connection); returns at once.
    func start()
    /// Stops and leaves the model as it was (hooks removed).
    func stop()
    /// Carries out a command; the outcome is what the view tells the user, at once.
    func perform(_ command: SourceCommand) -> CommandOutcome
    /// News that arrived on its own since the last call (a remote process's reply, a lost connection).
    func drainNotices() -> [CommandOutcome]
}

extension ModelSource {
    /// Sources that answer every command at once have no news of their own.
    public func drainNotices() -> [CommandOutcome] { [] }
}

public struct VersionedSnapshot: Sendable, Equatable {
    public var version: Int
    public var snapshot: ProfileSnapshot

    public init(version: Int, snapshot: ProfileSnapshot) {
        self.version = version
        self.snapshot = snapshot
    }
}

/// The closed set of changes a view can ask of a source.
public enum SourceCommand: Sendable, Equatable {
    /// torch: `p.requires_grad_(value)` for each listed `ParameterSpec.id`.
    case setRequiresGrad(parameterIDs: [Int], Bool)
    /// torch: `model.train(value)`.
    case setTraining(Bool)
    case setPaused(Bool)
    /// Training steps (forward, loss, backward, optimizer step) instead of plain forwards, or back.
    case setTrainStep(Bool)
    /// Write a session file (`path` nil: the source picks a name in the working directory).
    case export(path: String?)
}

/// What a source can do; a refused command names the reason.
public struct SourceCapabilities: Sendable, Equatable {
    /// Why edits (requires_grad, train/eval, train-step mode) are refused; `nil` when they are allowed.
    public var readOnlyReason: String?
    public var canPause: Bool
    /// Why `T` is not available; `nil` when training steps can run.
    public var noTrainStepReason: String?
    public var canExport: Bool

    public init(readOnlyReason: String? = nil, canPause: Bool = true, noTrainStepReason: String? = nil, canExport: Bool = true) {
        self.readOnlyReason = readOnlyReason
        self.canPause = canPause
        self.noTrainStepReason = noTrainStepReason
        self.canExport = canExport
    }

    public var canEdit: Bool { readOnlyReason == nil }
    public var canTrainStep: Bool { canEdit && noTrainStepReason == nil }

    /// A recorded session: nothing runs and nothing can change.
    public static func recorded(_ path: String) -> SourceCapabilities {
        SourceCapabilities(readOnlyReason: "a recorded session (\(path)): nothing runs, nothing to change",
                           canPause: false, noTrainStepReason: "a recorded session runs nothing", canExport: false)
    }
}

/// The answer to a command, shown in the status bar.
public struct CommandOutcome: Sendable, Equatable {
    public var message: String
    public var isError: Bool

    public init(_ message: String, isError: Bool = false) {
        self.message = message
        self.isError = isError
    }

    public static func refused(_ reason: String) -> CommandOutcome { CommandOutcome(reason, isError: true) }
}
