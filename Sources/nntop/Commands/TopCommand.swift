import ArgumentParser
import Checkpoints
import Foundation
import ModelSources
import ModelView
import NNTopUI

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
        // The model argument is checked first: a wrong name is the more useful message, piped or not.
        let modelSource: any ModelSource
        if SessionSource.isSession(source.model) {
            modelSource = try CLIError.wrap { try SessionSource(path: source.model) }
        } else {
            // The first frame needs only the structure (meta: no weights, no random init); the model that runs
            // is built in the background while the header says so.
            let structure = try source.load(keepNotes: true, structureOnly: true)
            let model = source.model, loading = source.loading()
            modelSource = LocalModelSource(structure, materialize: { try ModelResolver.load(model, loading: loading) },
                                           readOnlyReason: readonly ? "started with --readonly" : nil)
        }
        if let problem = TerminalCheck.problem() {
            FileHandle.standardError.write(Data((problem + "\n").utf8))
            throw ExitCode(2)
        }
        try Self.browse(modelSource, options: ViewOptions(noMouse: noMouse, noColor: noColor, ascii: ascii, freezeOut: freezeOut))
    }

    /// How the view looks and what it writes on exit.
    struct ViewOptions {
        var noMouse = false
        var noColor = false
        var ascii = false
        var freezeOut: String?
    }

    /// Runs the interactive view on `modelSource` until the user quits.
    static func browse(_ modelSource: any ModelSource, options: ViewOptions) throws {
        modelSource.start()
        defer { modelSource.stop() }
        let final = NCursesTerminal.session(.init(color: options.noColor ? .mono : .color, mouse: !options.noMouse)) { term in
            let state = AppState(model: modelSource.tree, size: term.size, capabilities: modelSource.capabilities,
                                 colorMode: term.colorMode, ascii: options.ascii)
            return TUIApp.run(initial: state, terminal: term, source: modelSource)
        }
        if let signal = NCursesTerminal.receivedSignal { throw ExitCode(128 + signal) }
        if let freezeOut = options.freezeOut {
            try CLIError.wrap { try OutputFile.write(FreezePatterns.json(final.model), to: freezeOut) }
        }
    }
}
