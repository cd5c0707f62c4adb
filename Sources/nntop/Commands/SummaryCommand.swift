import ArgumentParser
import ModelSources
import ModelView
import NNModules
import Profiler

/// `nntop summary MODEL [--depth N] [--json]`.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a torchinfo-like table of the module tree (or JSON lines with --json).")

    @OptionGroup var source: ModelArguments

    @Option(help: "Show modules down to this depth (the root is depth 0).")
    var depth: Int?

    @Flag(help: "One JSON object per named_modules() row, with the fields of the goldens' modules.jsonl.")
    var json = false

    func run() throws {
        if let depth, depth < 0 { throw ValidationError("--depth must be 0 or more") }
        // Counts, shapes and a shape-propagating forward need no values: built on the meta device.
        let loaded = try source.load(keepNotes: !json, structureOnly: true)
        loaded.module.eval()
        let shapes = loaded.sampleInput.map { ShapeRecorder.record(loaded.module, inputs: $0, kwargs: loaded.sampleKwargs) }
        let report = SummaryReport(tree: ModelTree(module: loaded.module, name: loaded.name, source: loaded.source),
                                   outputShapes: shapes?.outputShapes ?? [:], forwardError: shapes?.error,
                                   failedModule: shapes?.failedModule)
        if json {
            try CLIError.wrap { try report.jsonLines() }.forEach { print($0) }
        } else {
            print(report.table(maxDepth: depth))
            loaded.notes.forEach { print("Note: \($0)") }
        }
    }
}
