import ModelView
import Testing
@testable import NNTopUI

/// What a new user ran into on the first day (issue #12), each drawn or reduced without a terminal.
@Suite struct FirstContactTests {
    static let size = TerminalSize(width: 100, height: 30)

    private func profiled(_ tree: ModelTree, size: TerminalSize = size, _ snapshot: ProfileSnapshot? = nil,
                          capabilities: SourceCapabilities = SourceCapabilities()) -> AppState {
        var state = AppState(model: tree, size: size, capabilities: capabilities)
        _ = reduce(&state, .snapshot(snapshot ?? Fixtures.profile(for: tree)))
        return state
    }

    private func lines(_ state: AppState) -> [String] { render(state).text.split(separator: "\n").map(String.init) }

    @Test func aRecordedSessionRefusesEditsWithAReasonAndOffersNone() {
        var state = profiled(Fixtures.leNet(), capabilities: .recorded("run.json"))
        let footer = lines(state).last ?? ""
        for hint in ["Space", "undo", "train/eval", "pause", "export"] { #expect(!footer.contains(hint), "footer offers \(hint)") }
        for key in [Key.char(" "), .char("a"), .char("u"), .char("t"), .char("T"), .char("p"), .char("e")] {
            #expect(state.press(key).isEmpty, "\(key) did something")
            #expect(state.status?.isError == true && state.status?.text.contains("recorded session") == true, "\(key): \(state.status?.text ?? "silent")")
        }
    }

    @Test func aCommandsOutcomeIsShownAtOnce() {
        var state = profiled(Fixtures.leNet())
        #expect(state.press(.char("e")) == [.export])
        _ = reduce(&state, .outcome(.export(path: nil), CommandOutcome("exported to /tmp/x.json")))
        #expect(lines(state).last?.contains("exported to /tmp/x.json") == true)
    }

    @Test func aRefusedTrainStepGoesBackToEval() {
        var state = profiled(Fixtures.leNet())
        #expect(state.press(.char("T")) == [.setTraining(true), .setTrainStep(true)])
        let undo = reduce(&state, .outcome(.setTrainStep(true), .refused("no training step: shapes only")))
        #expect(undo == [.setTraining(false)])
        #expect(!state.trainStepRequested && !state.model.training)
        #expect(state.status?.text.contains("shapes only") == true)
    }

    /// At every width the detail pane shows whole label–value pairs: never `p99` without its value.
    @Test(arguments: [100, 130, 150, 170, 200])
    func detailPaneNeverCutsAValueOffItsLabel(width: Int) {
        var state = profiled(Fixtures.resNet(), size: TerminalSize(width: width, height: 40))
        state.selection = state.row(named: "layer1.0.conv1")
        let text = DetailPane.content(state, width: width >= 130 ? 43 : width - 40, glyphs: Glyphs.forMode(ascii: false))
            .map { $0.map(\.text).joined() }
        let labels = ["p50", "p90", "p99", "max", "min", "std", "mean", "self", "inclusive", "NaN", "Inf", "zeros"]
        for line in text {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            #expect(!labels.contains { trimmed.hasSuffix(" " + $0) || trimmed == $0 }, "cut at width \(width): “\(line)”")
        }
        #expect(text.contains { $0.contains("p99 ") })
    }

    @Test func aMetaModelSaysShapesOnlyAndShowsNoTimings() {
        var snapshot = Fixtures.profile(for: Fixtures.resNet())
        snapshot.runner.shapesOnly = true
        for k in snapshot.modules.indices where !snapshot.modules[k].outputs.isEmpty {
            snapshot.modules[k].outputs[0].mean = .nan
            snapshot.modules[k].outputs[0].std = .nan
            snapshot.modules[k].outputs[0].sampled = 0
        }
        var state = profiled(Fixtures.resNet(), size: TerminalSize(width: 160, height: 40), snapshot)
        state.selection = state.row(named: "conv1")
        let screen = lines(state)
        #expect(screen[0].contains("meta: shapes only"), "\(screen[0])")
        #expect(!screen[0].contains("runs/s"))
        let text = screen.joined(separator: "\n")
        #expect(text.firstMatch(of: /[0-9](ns|µs|ms)/) == nil, "no timings of shape propagation")
        #expect(!text.contains("nan"), "no NaN statistics")
        #expect(text.contains("[1, 64, 112, 112]"), "output shapes are real")
        #expect(text.contains("shapes only"))
    }

    @Test func pausedHeaderShowsNoRate() {
        var snapshot = Fixtures.profile(for: Fixtures.leNet())
        snapshot.runner.state = .paused
        snapshot.runner.runsPerSecond = 0
        let header = lines(profiled(Fixtures.leNet(), snapshot))[0]
        #expect(header.contains("paused") && !header.contains("runs/s"), "\(header)")
    }

    @Test func loadingIsSaidWhileTheModelMaterializes() {
        let snapshot = ProfileSnapshot(runner: RunnerStatus(state: .loading, message: "building the model…"), modules: [])
        let screen = lines(profiled(Fixtures.resNet(), snapshot))
        #expect(screen[0].contains("loading building the model…"), "\(screen[0])")
        #expect(screen.contains { $0.contains("▾ ResNet") }, "the tree is there already")
    }

    @Test func anInvalidFilterRegexIsAMessage() {
        var state = profiled(Fixtures.resNet())
        state.press(.char("f"), .tab)
        state.type("([")
        state.press(.enter)
        #expect(state.status?.isError == true && state.status?.text.contains("not a valid regular expression") == true)
        #expect(state.visible.count == state.model.modules.count, "the name filter is off")
    }

    /// A new snapshot reorders the hottest pane; the selected entry stays on its module.
    @Test func hottestSelectionFollowsItsModuleAcrossSnapshots() {
        var state = profiled(Fixtures.resNet())
        state.press(.tab, .tab, .down, .down)
        let chosen = state.hottest[state.hottestSelection]
        var reordered = Fixtures.profile(for: state.model)
        let name = state.model.modules[chosen].name
        let k = reordered.modules.firstIndex { $0.name == name }!
        reordered.modules[k].selfTime.window.p50 = 1000
        reordered.modules[k].selfTime.window.mean = 1000
        _ = reduce(&state, .snapshot(reordered))
        #expect(state.hottest.first == chosen, "now the hottest")
        state.press(.enter)
        #expect(state.selection == chosen)
    }

    @Test func theTooSmallMessageIsReadableAtThirtyByEight() {
        var state = profiled(Fixtures.leNet())
        _ = reduce(&state, .resize(width: 30, height: 8))
        let text = render(state).text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(!text.contains("…"))
        #expect(text.contains("need 40×10") && text.contains("have 30×8") && text.contains("q quits"), "\(text)")
    }
}
