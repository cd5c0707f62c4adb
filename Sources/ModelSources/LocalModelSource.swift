import Foundation
import ModelView
import NNModules
import Profiler
import Synchronization

/// A Swift `Module` with a `ProfileRunner` running its sample input: what `nntop MODEL` shows for a zoo
/// model, a Hugging Face folder or a checkpoint. Edits go to the runner thread as commands (the model is
/// touched only there); the tree the view reads is kept in step at once.
public final class LocalModelSource: ModelSource, @unchecked Sendable {
    private let runner: ProfileRunner
    private let state: Mutex<(tree: ModelTree, paused: Bool)>
    private let readOnlyReason: String?
    private let noTrainStepReason: String?
    private let exportDirectory: URL

    /// - Parameters:
    ///   - loaded: the model and its sample input (`nil` input: nothing runs, the runner reports why).
    ///   - readOnlyReason: refuse edits with this reason (`--readonly`).
    ///   - exportDirectory: where `export` without a path writes.
    public init(_ loaded: LoadedModel, readOnlyReason: String? = nil,
                exportDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
        var trainingStep: TrainingStep?
        var noTrainStep: String?
        if loaded.sampleInput == nil {
            noTrainStep = "no architecture is known, so nothing runs"
        } else {
            do { trainingStep = try TrainingStep.synthetic(for: loaded) } catch { noTrainStep = "\(error)" }
        }
        runner = ProfileRunner(model: loaded.module, inputs: loaded.sampleInput ?? [], trainingStep: trainingStep)
        state = Mutex((ModelTree(module: loaded.module, name: loaded.name, source: loaded.source), false))
        self.readOnlyReason = readOnlyReason
        noTrainStepReason = noTrainStep
        self.exportDirectory = exportDirectory
    }

    public var tree: ModelTree { state.withLock { $0.tree } }

    public var capabilities: SourceCapabilities {
        SourceCapabilities(readOnlyReason: readOnlyReason, canPause: true, noTrainStepReason: noTrainStepReason, canExport: true)
    }

    public func latestSnapshot() -> VersionedSnapshot? { runner.latest }
    public func start() { runner.start() }
    public func stop() { runner.stop() }

    public func perform(_ command: SourceCommand) -> CommandOutcome {
        if let readOnlyReason, command.isEdit { return .refused("read-only: \(readOnlyReason)") }
        switch command {
        case .setRequiresGrad(let ids, let value):
            let names = state.withLock { current -> [String] in
                var names: [String] = []
                for k in current.tree.parameters.indices where ids.contains(current.tree.parameters[k].id) {
                    current.tree.parameters[k].requiresGrad = value
                    names.append(current.tree.parameters[k].name)
                }
                return names
            }
            runner.send(.modify { model in for name in names { try model.getParameter(name).requiresGrad = value } })
            return CommandOutcome("requires_grad=\(value ? "True" : "False") on \(names.count) parameter tensor(s)")
        case .setTraining(let value):
            state.withLock { $0.tree.training = value }
            runner.send(.modify { $0.train(value) })
            return CommandOutcome(value ? "model.train()" : "model.eval()")
        case .setPaused(let paused):
            state.withLock { $0.paused = paused }
            runner.send(.setPaused(paused))
            return CommandOutcome(paused ? "paused" : "resumed")
        case .setTrainStep(let on):
            if on, let noTrainStepReason { return .refused("no training step: \(noTrainStepReason)") }
            runner.send(.setTrainStep(on))
            return CommandOutcome(on ? "train step on" : "train step off")
        case .export(let path):
            return export(to: path)
        }
    }

    /// Writes the tree and the newest snapshot as a session file, at once, from the view's thread: both are
    /// values, so the runner need not stop.
    private func export(to path: String?) -> CommandOutcome {
        guard let snapshot = runner.snapshot else { return .refused("nothing to export yet: no forward has finished") }
        let tree = self.tree
        let file = path.map { URL(fileURLWithPath: $0) }
            ?? exportDirectory.appendingPathComponent("nntop-\(tree.name)-\(Int(Date().timeIntervalSince1970)).json")
        do {
            try ProfileExport.json(tree: tree, snapshot: snapshot).write(to: file, options: .atomic)
            return CommandOutcome("exported to \(file.path) (reopen with `nntop \(file.path)`)")
        } catch {
            return .refused("export failed: \(file.path): \(error.localizedDescription)")
        }
    }
}

extension SourceCommand {
    /// Changes the model (as opposed to pausing the runner or writing a file).
    var isEdit: Bool {
        switch self {
        case .setRequiresGrad, .setTraining, .setTrainStep: return true
        case .setPaused, .export: return false
        }
    }
}
