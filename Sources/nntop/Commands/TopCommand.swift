import ArgumentParser
import Foundation
import NNModules
import NNTopUI
import Profiler

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
        let loaded = try source.load()
        loaded.module.eval()
        // A tree without architecture is browsed as is: the runner's failed forward says why nothing runs.
        let first = ModuleProfiler(attachingTo: loaded.module)
        _ = try? loaded.module.call(loaded.sampleInput ?? [])
        first.detach()
        let built = ModelInfoBuilder.build(name: loaded.name, source: loaded.source, model: loaded.module, profile: first.report())
        let names = built.parameterNames
        let runner = ProfileRunner(model: loaded.module, inputs: loaded.sampleInput ?? [])
        runner.start()
        defer { runner.stop() }
        var adapter = SnapshotAdapter()
        var exportMessage: String?
        let final = NCursesTerminal.session(.init(color: noColor ? .mono : .color, mouse: !noMouse)) { term in
            let state = AppState(model: built.info, size: term.size, readonly: readonly, colorMode: term.colorMode, ascii: ascii)
            return TUIApp.run(initial: state, terminal: term, snapshots: { adapter.next(runner.snapshot) }, perform: { effect in
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
                case .export:
                    if let report = runner.snapshot?.report {
                        let file = "nntop-\(loaded.name)-\(Int(Date().timeIntervalSince1970)).json"
                        do {
                            try ProfileExport.json(model: loaded.name, report: report).write(toFile: file, atomically: true, encoding: .utf8)
                            exportMessage = "exported the profile to \(file)"
                        } catch {
                            exportMessage = "export failed: \(error)"
                        }
                    }
                case .quit:
                    break
                }
                return nil
            })
        }
        if let signal = NCursesTerminal.receivedSignal { throw ExitCode(128 + signal) }
        if let exportMessage { print(exportMessage) }
        if let freezeOut {
            try CLIError.wrap { try FreezePatterns.json(final.model).write(toFile: freezeOut, atomically: true, encoding: .utf8) }
        }
    }
}
