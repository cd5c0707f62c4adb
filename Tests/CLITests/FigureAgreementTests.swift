import Foundation
import ModelSources
import ModelView
import NNTopUI
import Profiler
import Testing
@testable import nntop

/// One snapshot of a real model, drawn by every view: the tree, the detail pane, the hottest pane,
/// `nntop profile`'s table, `nntop summary` and a reopened session must print the same figure for the same
/// module (the tree's `self`/`self%` cells are the detail pane's and the hottest pane's numbers).
@Suite struct FigureAgreementTests {
    @Test func everyViewPrintsTheSameFiguresForAModule() throws {
        let loaded = try ModelResolver.load("lenet5")
        loaded.module.eval()
        let runner = ProfileRunner(model: loaded.module, inputs: try #require(loaded.sampleInput))
        runner.start(runs: 8, warmup: 1)
        runner.waitUntilFinished()
        let snapshot = try #require(runner.snapshot)
        let tree = ModelTree(module: loaded.module, name: loaded.name, source: loaded.source)
        let index = ModelIndex(tree)
        let figures = Figures(index: index, snapshot: snapshot)
        let row = try #require(tree.modules.firstIndex { $0.name == "0" })
        let selfMs = try #require(figures.selfMs(row))
        let share = try #require(figures.share(row))
        let selfText = Format.duration(milliseconds: selfMs), shareText = Format.percent(share)

        var state = AppState(model: tree, size: TerminalSize(width: 160, height: 40))
        _ = reduce(&state, .snapshot(snapshot))
        _ = reduce(&state, .key(.down))
        #expect(state.selection == row)
        let lines = render(state).text.split(separator: "\n").map(String.init)
        let treeLine = try #require(lines.first { $0.hasPrefix("├── 0 ") })
        let treePart = String(treeLine.prefix(115))
        #expect(treePart.contains(" \(selfText) "), "tree self cell: \(treePart)")
        #expect(treePart.contains(shareText), "tree self% cell: \(treePart)")
        let detail = lines.map { String($0.dropFirst(116)) }
        #expect(detail.contains { $0.contains("self \(selfText)") && $0.contains("self% \(shareText)") }, "\(detail)")
        // The hottest pane ranks by the same self time and shows the same share.
        #expect(detail.contains { $0.contains("\(selfText) ") && $0.contains(" \(shareText) ") && $0.hasSuffix(" 0") }, "\(detail)")

        // `nntop profile`'s table: the same numbers at its precision.
        let table = ProfileTable.render(tree: tree, snapshot: snapshot, top: 20)
        let tableLine = try #require(table.split(separator: "\n").first { $0.hasPrefix("0 ") })
        #expect(tableLine.contains(String(format: "%.3f", selfMs)), "\(tableLine)")
        #expect(tableLine.contains(String(format: "%.1f%%", 100 * share)), "\(tableLine)")

        // `nntop summary`: the counts the tree shows.
        let summary = SummaryReport(tree: tree, outputShapes: [:], forwardError: nil, failedModule: nil)
        #expect(summary.records[row].recursiveParamNumel == index.totalParams[row])
        #expect(summary.accounting.total == state.accounting.total)

        // A reopened session derives the same figures.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-figures-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try ProfileExport.json(tree: tree, snapshot: snapshot).write(to: file)
        let reopened = try SessionSource(path: file.path)
        let again = Figures(index: ModelIndex(reopened.tree), snapshot: reopened.latestSnapshot()?.snapshot)
        #expect(again.selfMs(row) == selfMs && again.share(row) == share && again.totalFlops == figures.totalFlops)
    }

    @Test func sharesOfTheRootsChildrenAddUpToAtMostTheWhole() throws {
        let loaded = try ModelResolver.load("lenet5")
        loaded.module.eval()
        let runner = ProfileRunner(model: loaded.module, inputs: try #require(loaded.sampleInput))
        runner.start(runs: 5)
        runner.waitUntilFinished()
        let tree = ModelTree(module: loaded.module, name: loaded.name, source: loaded.source)
        let index = ModelIndex(tree)
        let figures = Figures(index: index, snapshot: runner.snapshot)
        let all = tree.modules.indices.compactMap { figures.share($0) }.reduce(0, +)
        #expect(abs(all - 1) < 1e-9, "self shares of every module add up to the forward: \(all)")
        let children = index.children[0].compactMap { figures.share($0) }.reduce(0, +)
        #expect(children <= 1 + 1e-9, "the root's children: \(children)")
    }
}
