import Checkpoints
import Foundation
import ModelView
import NNModules
import Profiler
import Synchronization

/// A Swift `Module` with a `ProfileRunner` running its sample input: what `nntop MODEL` shows for a zoo
/// model, a Hugging Face folder or a checkpoint.
///
/// The view opens on the structure alone (built on the `meta` device: no weights, no random init), so the
/// first frame comes at once; the real model — weights read or initialized, sample inputs, the train-step
/// data — materializes on a background thread while the header says `loading`, and the runner starts when
/// it is ready. Edits go to the runner thread as commands (the model is touched only there); the tree the
/// view reads is kept in step at once, and edits made while loading are applied before the first forward.
public final class LocalModelSource: ModelSource, @unchecked Sendable {
    private struct State {
        var tree: ModelTree
        var runner: ProfileRunner?
        var paused = false
        var trainStep = false
        /// The snapshot shown until the runner publishes (loading, or why loading failed).
        var waiting: ProfileSnapshot
        var stopped = false
        /// Why `T` cannot run; known for sure once the model that runs is built.
        var noTrainStepReason: String?
    }

    /// How many forwards to run and how to measure them: the view runs until stopped, `nntop profile` N times.
    public struct RunPlan: Sendable {
        public var runs: Int?
        public var warmup: Int
        public var options: ModuleProfiler.Options

        public init(runs: Int? = nil, warmup: Int = 0, options: ModuleProfiler.Options = .init()) {
            self.runs = runs
            self.warmup = warmup
            self.options = options
        }
    }

    private let state: Mutex<State>
    private let structure: LoadedModel
    private let plan: RunPlan
    private let materialize: (@Sendable () throws -> LoadedModel)?
    private let readOnlyReason: String?
    private let exportDirectory: URL
    private var loader: Thread?
    private let loaded = NSCondition()
    private var loaderDone = false

    /// - Parameters:
    ///   - structure: the model to show; with `materialize`, its structure (normally on `meta`).
    ///   - materialize: builds the model that runs, in the background; `nil` runs `structure` itself.
    ///   - readOnlyReason: refuse edits with this reason (`--readonly`).
    ///   - exportDirectory: where `export` without a path writes.
    public init(_ structure: LoadedModel, materialize: (@Sendable () throws -> LoadedModel)? = nil, plan: RunPlan = RunPlan(),
                readOnlyReason: String? = nil,
                exportDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
        self.structure = structure
        self.plan = plan
        self.materialize = materialize
        self.readOnlyReason = readOnlyReason
        self.exportDirectory = exportDirectory
        // Profiling runs in eval mode (what inference profiling means); `t` switches.
        structure.module.eval()
        let tree = ModelTree(module: structure.module, name: structure.name, source: structure.source)
        let waiting = ProfileSnapshot(runner: RunnerStatus(state: .loading, message: materialize == nil ? "starting" : "building the model…"),
                                      modules: [])
        state = Mutex(State(tree: tree, waiting: waiting,
                            noTrainStepReason: Self.noTrainStepReason(materialize == nil ? structure : nil)))
    }

    /// Why a model cannot run training steps; `nil` when it can, or (without a model) when it is not known yet.
    private static func noTrainStepReason(_ model: LoadedModel?) -> String? {
        guard let model else { return nil }
        if model.sampleInput == nil { return "no architecture is known, so nothing runs" }
        if model.module.parameters().first?.isMeta ?? false {
            return "the model is on the meta device (shapes only): there is nothing to train"
        }
        return nil
    }

    public var tree: ModelTree { state.withLock { $0.tree } }

    public var capabilities: SourceCapabilities {
        SourceCapabilities(readOnlyReason: readOnlyReason, canPause: true, noTrainStepReason: state.withLock { $0.noTrainStepReason },
                           canExport: true)
    }

    /// The runner's newest snapshot (its versions shifted past the waiting one's), or the loading state.
    public func latestSnapshot() -> VersionedSnapshot? {
        let (runner, waiting) = state.withLock { ($0.runner, $0.waiting) }
        if let latest = runner?.latest { return VersionedSnapshot(version: latest.version + 1, snapshot: latest.snapshot) }
        return VersionedSnapshot(version: runner == nil ? 1 : 0, snapshot: waiting)
    }

    public func start() {
        guard let materialize else {
            run(structure)
            return
        }
        let thread = Thread { [self] in
            do {
                run(try materialize())
            } catch {
                state.withLock { current in
                    current.waiting.runner.state = .failed
                    current.waiting.runner.message = "loading the model failed: \(error)"
                }
            }
            loaded.lock()
            loaderDone = true
            loaded.broadcast()
            loaded.unlock()
        }
        thread.name = "nntop-loader"
        thread.stackSize = 16 << 20
        loader = thread
        thread.start()
    }

    /// Starts the runner on the model that runs, after carrying over what the user changed meanwhile.
    private func run(_ model: LoadedModel) {
        model.module.eval()
        let reason = Self.noTrainStepReason(model)
        // The synthetic task (a forward to size it, its data set) is built only when `T` is first pressed.
        let runner = ProfileRunner(model: model.module, inputs: model.sampleInput ?? [], kwargs: model.sampleKwargs, options: plan.options,
                                   makeTrainingStep: reason == nil ? { try TrainingStep.synthetic(for: model) } : nil)
        let started = state.withLock { current -> Bool in
            guard !current.stopped else { return false }
            current.noTrainStepReason = reason
            let frozen = current.tree.parameters.filter { !$0.requiresGrad }.map(\.name)
            let training = current.tree.training
            runner.send(.modify { module in
                for name in frozen { try module.getParameter(name).requiresGrad = false }
                module.train(training)
            })
            if current.paused { runner.send(.setPaused(true)) }
            if current.trainStep, reason == nil { runner.send(.setTrainStep(true)) }
            current.runner = runner
            return true
        }
        if started { runner.start(runs: plan.runs, warmup: plan.warmup) }
    }

    /// Blocks until a planned number of runs finished (or the loader failed); returns at once for a source
    /// that runs until stopped and has not started.
    public func waitUntilFinished() {
        waitForLoader()
        state.withLock { $0.runner }?.waitUntilFinished()
    }

    /// Blocks until the background build of the model ended (at once when there is none).
    private func waitForLoader() {
        guard loader != nil else { return }
        loaded.lock()
        while !loaderDone { loaded.wait() }
        loaded.unlock()
    }

    /// The module calls of a finished planned run, when its options asked for a trace.
    public var trace: [TraceEvent] { state.withLock { $0.runner }?.trace ?? [] }

    public func stop() {
        waitForLoader()
        let runner = state.withLock { current -> ProfileRunner? in
            current.stopped = true
            return current.runner
        }
        runner?.stop()
    }

    public func perform(_ command: SourceCommand) -> CommandOutcome {
        if let readOnlyReason, command.isEdit { return .refused("read-only: \(readOnlyReason)") }
        switch command {
        case .setRequiresGrad(let ids, let value):
            let (names, runner) = state.withLock { current -> ([String], ProfileRunner?) in
                var names: [String] = []
                for k in current.tree.parameters.indices where ids.contains(current.tree.parameters[k].id) {
                    current.tree.parameters[k].requiresGrad = value
                    names.append(current.tree.parameters[k].name)
                }
                return (names, current.runner)
            }
            runner?.send(.modify { model in for name in names { try model.getParameter(name).requiresGrad = value } })
            return CommandOutcome("requires_grad=\(value ? "True" : "False") on \(names.count) parameter tensor(s)")
        case .setTraining(let value):
            let runner = state.withLock { current -> ProfileRunner? in
                current.tree.training = value
                return current.runner
            }
            runner?.send(.modify { $0.train(value) })
            return CommandOutcome(value ? "model.train()" : "model.eval()")
        case .setPaused(let paused):
            let runner = state.withLock { current -> ProfileRunner? in
                current.paused = paused
                return current.runner
            }
            runner?.send(.setPaused(paused))
            return CommandOutcome(paused ? "paused" : "resumed")
        case .setTrainStep(let on):
            let (runner, reason) = state.withLock { current -> (ProfileRunner?, String?) in
                if on, current.noTrainStepReason != nil { return (nil, current.noTrainStepReason) }
                current.trainStep = on
                return (current.runner, nil)
            }
            if let reason { return .refused("no training step: \(reason)") }
            runner?.send(.setTrainStep(on))
            return CommandOutcome(on ? "train step on" : "train step off")
        case .export(let path):
            return export(to: path)
        }
    }

    /// Writes the tree and the newest snapshot as a session file, at once, from the view's thread: both are
    /// values, so the runner need not stop.
    private func export(to path: String?) -> CommandOutcome {
        guard let snapshot = state.withLock({ $0.runner })?.snapshot else {
            return .refused("nothing to export yet: no forward has finished")
        }
        let tree = self.tree
        let file = path.map { URL(fileURLWithPath: $0) }
            ?? exportDirectory.appendingPathComponent("nntop-\(tree.name)-\(Int(Date().timeIntervalSince1970)).json")
        do {
            try OutputFile.write(ProfileExport.json(tree: tree, snapshot: snapshot), to: file.path)
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
