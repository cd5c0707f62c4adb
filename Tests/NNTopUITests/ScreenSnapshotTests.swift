import ModelView
import Testing
@testable import NNTopUI

/// Whole screens at 100×30 compared with committed text files (styles are checked separately).
@Suite struct ScreenSnapshotTests {
    static let size = TerminalSize(width: 100, height: 30)

    private func profiled(_ model: ModelTree) -> AppState {
        var state = AppState(model: model, size: Self.size)
        _ = reduce(&state, .snapshot(Fixtures.profile(for: model)))
        return state
    }

    @Test func collapsedRoot() {
        var state = profiled(Fixtures.resNet())
        state.press(.left)
        SnapshotFile.assertMatches(render(state).text, named: "collapsed-root")
    }

    @Test func expandedTree() {
        var state = profiled(Fixtures.resNet())
        state.press(.char("*"))
        state.reveal(state.row(named: "layer1.0.conv1"))
        SnapshotFile.assertMatches(render(state).text, named: "expanded-tree")
    }

    @Test func searchActive() {
        var state = profiled(Fixtures.resNet())
        state.press(.char("/"))
        state.type("bn2")
        SnapshotFile.assertMatches(render(state).text, named: "search-active")
    }

    @Test func filterActive() {
        var state = profiled(Fixtures.resNet())
        state.press(.char("f"))
        state.type("batch")
        SnapshotFile.assertMatches(render(state).text, named: "filter-active")
    }

    @Test func helpOverlay() {
        var state = profiled(Fixtures.leNet())
        state.press(.char("?"))
        SnapshotFile.assertMatches(render(state).text, named: "help-overlay")
    }

    @Test func tinyTerminal() {
        var state = profiled(Fixtures.leNet())
        _ = reduce(&state, .resize(width: 39, height: 9))
        SnapshotFile.assertMatches(render(state).text, named: "tiny-terminal")
    }

    @Test func requiresGradToggled() {
        var state = profiled(Fixtures.resNet())
        state.selection = state.row(named: "fc")
        state.press(.char(" "))
        SnapshotFile.assertMatches(render(state).text, named: "requires-grad-toggled")
    }

    @Test func forwardError() {
        var state = AppState(model: Fixtures.leNet(), size: Self.size)
        _ = reduce(&state, .snapshot(Fixtures.failedForward(
            state.model, in: "conv2",
            message: "Given groups=1, weight of size [16, 6, 5, 5], expected input[1, 3, 14, 14] to have 6 channels")))
        SnapshotFile.assertMatches(render(state).text, named: "forward-error")
    }

    @Test func narrowTerminalDropsColumns() {
        var state = profiled(Fixtures.resNet())
        _ = reduce(&state, .resize(width: 40, height: 10))
        SnapshotFile.assertMatches(render(state).text, named: "narrow-40x10")
    }

    @Test func wideTerminalWithNonFiniteAlert() {
        var state = AppState(model: Fixtures.resNet(), size: TerminalSize(width: 150, height: 30))
        let snapshot = Fixtures.profile(for: state.model, nonFiniteRow: state.row(named: "layer2.0.bn1"))
        _ = reduce(&state, .snapshot(snapshot))
        state.press(.char("!"))
        SnapshotFile.assertMatches(render(state).text, named: "wide-nonfinite")
    }

    @Test func asciiMode() {
        var state = profiled(Fixtures.resNet())
        state.ascii = true
        state.press(.char("*"))
        let text = render(state).text
        #expect(text.allSatisfy { $0.isASCII })
        SnapshotFile.assertMatches(text, named: "ascii")
    }

    @Test func trainStepModeShowsBackwardTimeAndGradients() {
        let model = Fixtures.resNet()
        var state = AppState(model: model, size: TerminalSize(width: 120, height: 30))
        #expect(state.press(.char("T")) == [.setTraining(true), .setTrainStep(true)])
        let frozen: Set<Int> = [state.row(named: "conv1"), state.row(named: "bn1"), state.row(named: "layer1")]
        for row in frozen.sorted() {
            state.selection = row
            state.press(.char(" "))
        }
        _ = reduce(&state, .snapshot(Fixtures.profile(for: model).inTrainStep(model: model, frozen: frozen)))
        state.press(.char("*"))
        state.selection = state.row(named: "layer2.0.conv1")
        SnapshotFile.assertMatches(render(state).text, named: "train-step")
    }
}
