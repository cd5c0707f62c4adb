import ArgumentParser
import Foundation
import NNModules
import NNTopUI
import Profiler
import Synchronization

/// `nntop MODEL`: the interactive view — the module tree with live per-layer latency and activation
/// statistics from sample inputs running on a background thread.
struct TopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "top", abstract: "Open the interactive view (the default command).")

    @OptionGroup var source: ModelArguments
    @Flag(help: "Disable edits (requires_grad, train/eval).") var readonly = false
    @Flag(help: "Do not capture the mouse.") var noMouse = false
    @Flag(help: "Monochrome (also when NO_COLOR is set).") var noColor = false
    @Flag(help: "ASCII instead of box drawing and block characters.") var ascii = false
    @Option(help: "On exit, write the trainable/frozen choice as module-name patterns (JSON).") var freezeOut: String?

    func run() throws {
        if let problem = TerminalCheck.problem() {
            FileHandle.standardError.write(Data((problem + "\n").utf8))
            throw ExitCode(2)
        }
        if SessionFile.isSession(source.model) {
            let session = try CLIError.wrap { try SessionFile.load(source.model) }
            try browse(session.info, initialSnapshot: session.snapshot, runner: nil, parameterNames: [:], modelName: session.info.name)
            return
        }
        let loaded = try source.load()
        loaded.module.eval()
        // A tree without architecture is browsed as is: the runner's failed forward says why nothing runs.
        let first = ModuleProfiler(attachingTo: loaded.module)
        var forwardError: String?
        do { _ = try GradMode.noGrad { try loaded.module.call(loaded.sampleInput ?? []) } } catch { forwardError = "\(error)" }
        first.detach()
        let built = ModelInfoBuilder.build(name: loaded.name, source: loaded.source, model: loaded.module,
                                           profile: first.report(), forwardError: forwardError)
        let runner = ProfileRunner(model: loaded.module, inputs: loaded.sampleInput ?? [],
                                   trainingStep: forwardError == nil ? try? TrainingStep.synthetic(for: loaded) : nil)
        runner.start()
        defer { runner.stop() }
        try browse(built.info, initialSnapshot: nil, runner: runner, parameterNames: built.parameterNames, modelName: loaded.name)
    }

    /// Runs the interactive view; `runner` is nil when replaying a recorded session.
    private func browse(_ info: ModelInfo, initialSnapshot: ProfileSnapshot?, runner: ProfileRunner?,
                        parameterNames names: [Int: String], modelName: String) throws {
        var adapter = SnapshotAdapter()
        var pendingSnapshot = initialSnapshot
        let exportMessage = Mutex<String?>(nil)
        let final = NCursesTerminal.session(.init(color: noColor ? .mono : .color, mouse: !noMouse)) { term in
            let state = AppState(model: info, size: term.size, readonly: readonly, colorMode: term.colorMode, ascii: ascii,
                                 canTrainStep: runner?.canTrain ?? false)
            return TUIApp.run(initial: state, terminal: term, snapshots: {
                if let first = pendingSnapshot {
                    pendingSnapshot = nil
                    return first
                }
                return adapter.next(runner?.snapshot)
            }, perform: { effect in
                guard let runner else { return nil }
                switch effect {
                case .setRequiresGrad(let ids, let flag):
                    let targets = ids.compactMap { names[$0] }
                    runner.perform { model in
                        for name in targets { try model.getParameter(name).requiresGrad = flag }
                    }
                case .setTraining(let flag):
                    runner.perform { $0.train(flag) }
                case .togglePause:
                    runner.setPaused(!runner.isPaused)
                case .setTrainStep(let on):
                    runner.setTrainStep(on)
                case .export:
                    runner.perform { [runner] model in
                        guard let report = runner.snapshot?.report else { return }
                        let file = "nntop-\(modelName)-\(Int(Date().timeIntervalSince1970)).json"
                        let text = ProfileExport.json(model: modelName, report: report, structure: model.moduleRecords(), training: model.training)
                        do {
                            try text.write(toFile: file, atomically: true, encoding: .utf8)
                            exportMessage.withLock { $0 = "exported the profile to \(file) (reopen it with `nntop \(file)`)" }
                        } catch {
                            exportMessage.withLock { $0 = "export failed: \(error)" }
                        }
                    }
                case .quit:
                    break
                }
                return nil
            })
        }
        if let signal = NCursesTerminal.receivedSignal { throw ExitCode(128 + signal) }
        if let message = exportMessage.withLock({ $0 }) { print(message) }
        if let freezeOut {
            try CLIError.wrap { try FreezePatterns.json(final.model).write(toFile: freezeOut, atomically: true, encoding: .utf8) }
        }
    }
}
