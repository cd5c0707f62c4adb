import ModelView
import Testing
@testable import NNTopUI

@Suite struct NavigationTests {
    let size = TerminalSize(width: 100, height: 30)

    @Test func startsWithTheRootOpen() {
        let state = AppState(model: Fixtures.leNet(), size: size)
        #expect(state.shownNames == ["", "conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "fc1", "fc2", "fc3"])
        #expect(state.selection == 0)
    }

    @Test func movesAndClampsTheSelection() {
        var state = AppState(model: Fixtures.leNet(), size: size)
        state.press(.down, .char("j"), .down)
        #expect(state.selection == state.row(named: "pool1"))
        state.press(.up, .char("k"))
        #expect(state.selection == state.row(named: "conv1"))
        state.press(.end)
        #expect(state.selection == state.row(named: "fc3"))
        state.press(.down)
        #expect(state.selection == state.row(named: "fc3"))
        state.press(.home, .up)
        #expect(state.selection == 0)
        state.press(.pageDown)
        #expect(state.selection == state.row(named: "fc3"))
    }

    @Test func pagesAndScrollsOnATallTree() {
        var state = AppState(model: SyntheticModel.make(moduleCount: 500), size: size)
        state.press(.char("*"))
        let page = ScreenLayout(state: state).treeBody.height
        state.press(.pageDown)
        #expect(state.visible.line(of: state.selection) == page)
        #expect(state.scroll == 1)
        state.press(.end)
        #expect(state.visible.line(of: state.selection) == state.visible.count - 1)
        #expect(state.scroll == state.visible.count - page)
    }

    @Test func expandsCollapsesAndWalksToParent() {
        var state = AppState(model: Fixtures.resNet(), size: size)
        let layer1 = state.row(named: "layer1")
        state.press(.down, .down, .down, .down)
        #expect(state.selection == layer1)
        state.press(.enter)
        #expect(state.shownNames.contains("layer1.0"))
        state.press(.char("l"))
        #expect(state.selection == state.row(named: "layer1.0"))
        state.press(.right, .right)
        #expect(state.selection == state.row(named: "layer1.0.conv1"))
        state.press(.left)
        #expect(state.selection == state.row(named: "layer1.0"))
        state.press(.char("h"))
        #expect(!state.shownNames.contains("layer1.0.conv1"))
        state.press(.char("h"))
        #expect(state.selection == layer1)
        state.press(.char("-"))
        #expect(!state.shownNames.contains("layer1.0"))
        state.press(.char("+"))
        #expect(state.shownNames.contains("layer1.0"))
    }

    @Test func collapsingTheRootLeavesOneRow() {
        var state = AppState(model: Fixtures.resNet(), size: size)
        state.press(.left)
        #expect(state.shownNames == [""])
    }

    @Test func foldsToDepthAndExpandsAll() {
        var state = AppState(model: Fixtures.resNet(), size: size)
        state.press(.char("*"))
        #expect(state.visible.count == state.model.modules.count)
        state.press(.char("2"))
        #expect(state.shownNames.contains("layer2.0"))
        #expect(!state.shownNames.contains("layer2.0.conv1"))
        state.press(.char("3"))
        #expect(state.shownNames.contains("layer2.0.downsample"))
        #expect(!state.shownNames.contains("layer2.0.downsample.0"))
    }

    @Test func foldingHidesTheSelectionOntoItsAncestor() {
        var state = AppState(model: Fixtures.resNet(), size: size)
        state.press(.char("*"))
        state.reveal(state.row(named: "layer2.0.downsample.1"))
        state.press(.char("2"))
        #expect(state.selection == state.row(named: "layer2.0"))
    }

    @Test func sortKeepsOrderWithinEachLevelAndIsStable() {
        var state = AppState(model: Fixtures.resNet(), size: size)
        state.press(.char("s"), .char("s"))
        #expect(state.sort == .params)
        // Largest subtree first; equal ones (fc and the tied head, the parameterless rows) keep their order.
        #expect(state.shownNames == ["", "layer2", "layer1", "conv1", "fc", "head", "bn1", "relu", "avgpool", "probe"])
        state.press(.char("S"))
        #expect(state.shownNames == ["", "relu", "avgpool", "probe", "bn1", "fc", "head", "conv1", "layer1", "layer2"])
        state.press(.char("s"))
        #expect(state.sort == .execution)
        #expect(state.shownNames.last == "conv1")
        state.press(.char("S"))
        #expect(state.shownNames == ["", "conv1", "bn1", "relu", "layer1", "layer2", "avgpool", "fc", "head", "probe"])
    }

    @Test func sortsBySelfTimeFromTheSnapshot() {
        var state = AppState(model: Fixtures.leNet(), size: size)
        _ = reduce(&state, .snapshot(Fixtures.profile(for: state.model)))
        state.press(.char("s"))
        let times = state.visible.lines.dropFirst().map { state.figures.selfMs($0.row) ?? 0 }
        #expect(times == times.sorted(by: >))
    }

    @Test func resizeKeepsTheSelectionOnScreen() {
        var state = AppState(model: SyntheticModel.make(moduleCount: 300), size: size)
        state.press(.char("*"), .end)
        _ = reduce(&state, .resize(width: 60, height: 12))
        let page = ScreenLayout(state: state).treeBody.height
        let line = state.visible.line(of: state.selection) ?? -1
        #expect(line >= state.scroll && line < state.scroll + page)
    }
}

@Suite struct SearchAndFilterTests {
    let size = TerminalSize(width: 100, height: 30)

    @Test func incrementalSearchWithNextAndPrevious() {
        var state = AppState(model: Fixtures.resNet(), size: size)
        state.press(.char("/"))
        state.type("co")
        #expect(state.selection == state.row(named: "conv1"))
        state.press(.backspace, .backspace)
        state.type(".conv2")
        #expect(state.selection == state.row(named: "layer1.0.conv2"))
        #expect(state.shownNames.contains("layer1.0.conv2"))
        state.press(.enter)
        #expect(state.prompt == nil)
        state.press(.char("n"))
        #expect(state.selection == state.row(named: "layer2.0.conv2"))
        state.press(.char("n"))
        #expect(state.selection == state.row(named: "layer1.0.conv2"))
        state.press(.char("N"))
        #expect(state.selection == state.row(named: "layer2.0.conv2"))
    }

    @Test func searchMatchesClassNamesAndEscRestores() {
        var state = AppState(model: Fixtures.resNet(), size: size)
        state.press(.down)
        state.press(.char("/"))
        state.type("batchnorm")
        #expect(state.selection == state.row(named: "bn1"))
        state.type("x")
        #expect(state.status?.isError == true)
        state.press(.escape)
        #expect(state.search.isEmpty)
        #expect(state.selection == state.row(named: "conv1"))
    }

    @Test func filtersByClassKeepingAncestors() {
        var state = AppState(model: Fixtures.resNet(), size: size)
        state.press(.char("f"))
        state.type("conv")
        #expect(state.shownNames == [
            "", "conv1", "layer1", "layer1.0", "layer1.0.conv1", "layer1.0.conv2", "layer2", "layer2.0",
            "layer2.0.conv1", "layer2.0.conv2", "layer2.0.downsample", "layer2.0.downsample.0",
        ])
        #expect(!state.visible.matches[state.row(named: "layer1")])
        state.press(.enter, .escape)
        #expect(!state.filter.isActive)
        #expect(state.visible.count == 10)
    }

    @Test func filtersByNameRegexAndTrainable() {
        var state = AppState(model: Fixtures.resNet(), size: size)
        state.press(.char("f"), .tab)
        state.type(#"^layer2\.0\.bn"#)
        #expect(state.shownNames == ["", "layer2", "layer2.0", "layer2.0.bn1", "layer2.0.bn2"])
        state.press(.escape)
        state.reveal(state.row(named: "layer2"))
        state.press(.char(" "))
        state.press(.char("f"), .tab, .tab, .char(" "), .enter)
        #expect(state.filter.trainableOnly)
        #expect(!state.shownNames.contains("layer2.0.conv1"))
        #expect(state.shownNames.contains("layer1.0.conv1"))
    }

    @Test func invalidRegexConstrainsNothing() {
        var state = AppState(model: Fixtures.resNet(), size: size)
        state.press(.char("f"), .tab)
        state.type("layer[")
        #expect(state.visible.count == state.model.modules.count)
    }
}

@Suite struct EditTests {
    let size = TerminalSize(width: 100, height: 30)

    @Test func tiedParametersAreCountedOnce() {
        let state = AppState(model: Fixtures.resNet(), size: size)
        let fcWeight = 10 * 128
        let naive = state.index.ownParams.reduce(0, +)
        #expect(state.accounting.total == naive - fcWeight)
        #expect(state.index.totalParams[0] == state.accounting.total)
        #expect(state.index.totalParams[state.row(named: "head")] == fcWeight + 10)
        #expect(state.index.hasTiedParams[state.row(named: "head")])
    }

    @Test func spaceFreezesASubtreeAndUndoRestores() {
        var state = AppState(model: Fixtures.resNet(), size: size)
        let total = state.accounting.total
        let layer1 = state.row(named: "layer1")
        state.selection = layer1
        let effects = state.press(.char(" "))
        let layer1Params = state.index.totalParams[layer1]
        #expect(state.accounting.frozen == layer1Params)
        #expect(state.accounting.trainable == total - layer1Params)
        #expect(state.accounting.state(of: layer1, index: state.index) == .no)
        #expect(state.accounting.state(of: 0, index: state.index) == .partial)
        guard case .setRequiresGrad(let ids, false)? = effects.first else {
            Issue.record("expected a setRequiresGrad(false) effect, got \(effects)")
            return
        }
        #expect(ids.count == 6)
        let undo = state.press(.char("u"))
        #expect(state.accounting.trainable == total)
        #expect(undo == [.setRequiresGrad(paramIDs: ids, true)])
        #expect(state.press(.char("u")).isEmpty)
    }

    @Test func freezingATiedWeightChangesBothOwnersOnce() {
        var state = AppState(model: Fixtures.resNet(), size: size)
        let before = state.accounting.trainingMemoryBytes
        state.selection = state.row(named: "fc")
        state.press(.char(" "))
        #expect(state.accounting.frozen == 10 * 128 + 10)
        #expect(state.accounting.state(of: state.row(named: "head"), index: state.index) == .partial)
        // Gradient and both Adam moments of the frozen tensors are no longer needed.
        #expect(before - state.accounting.trainingMemoryBytes == 3 * 4 * (10 * 128 + 10))
        // head is partly trainable, so Space makes all of it trainable: the tied weight again, fc.bias stays.
        state.selection = state.row(named: "head")
        state.press(.char(" "))
        #expect(state.accounting.frozen == 10)
    }

    @Test func toggleAllThenBack() {
        var state = AppState(model: Fixtures.leNet(), size: size)
        state.press(.char("a"))
        #expect(state.accounting.trainable == 0)
        #expect(state.accounting.frozen == 61_706)
        state.press(.char("a"))
        #expect(state.accounting.trainable == 61_706)
    }

    @Test func readonlyRefusesEdits() {
        var state = AppState(model: Fixtures.leNet(), size: size,
                             capabilities: SourceCapabilities(readOnlyReason: "started with --readonly"))
        for key in [Key.char(" "), .char("a"), .char("u"), .char("t"), .char("T")] {
            #expect(state.press(key).isEmpty)
            #expect(state.status?.isError == true)
        }
        #expect(state.accounting.trainable == 61_706)
        #expect(state.model.training == false)
        #expect(state.press(.char("p")) == [.togglePause])
    }

    @Test func trainEvalPauseExportQuit() {
        var state = AppState(model: Fixtures.leNet(), size: size)
        #expect(state.press(.char("t")) == [.setTraining(true)])
        #expect(state.model.training)
        #expect(state.press(.char("p")) == [.togglePause])
        #expect(state.press(.char("e")) == [.export])
        #expect(state.press(.char("q")) == [.quit])
        #expect(state.press(.ctrlC) == [.quit])
    }

    @Test func trainStepToggleNeedsATrainingTask() {
        var plain = AppState(model: Fixtures.leNet(), size: size,
                             capabilities: SourceCapabilities(noTrainStepReason: "nothing runs"))
        #expect(plain.press(.char("T")).isEmpty)
        #expect(plain.status?.isError == true && plain.status?.text.contains("no training step") == true)

        var state = AppState(model: Fixtures.leNet(), size: size)
        #expect(!state.model.training)
        #expect(state.press(.char("T")) == [.setTraining(true), .setTrainStep(true)], "a training step runs in train mode")
        #expect(state.trainStepRequested && state.model.training)
        #expect(state.press(.char("T")) == [.setTraining(false), .setTrainStep(false)], "eval again afterwards")
        #expect(!state.model.training)
        #expect(state.press(.char("t")) == [.setTraining(true)])
        #expect(state.press(.char("T")) == [.setTrainStep(true)], "already in train mode")
        #expect(state.press(.char("T")) == [.setTrainStep(false)], "and left in it")
        #expect(state.press(.char("t"), .char("T")) == [.setTraining(false), .setTraining(true), .setTrainStep(true)])
        var failed = Fixtures.profile(for: state.model)
        failed.runner.trainStepError = "the derivative of X is not implemented"
        #expect(reduce(&state, .snapshot(failed)) == [.setTraining(false)], "the runner gave up: eval restored")
        #expect(!state.trainStepRequested, "the runner went back to plain forwards")
        #expect(state.status?.isError == true && state.status?.text.contains("derivative of X") == true)
        #expect(state.press(.char("T")) == [.setTraining(true), .setTrainStep(true)], "T tries again")
    }

    @Test func backwardTimeSortExistsOnlyInTrainStepMode() {
        var state = AppState(model: Fixtures.resNet(), size: size)
        _ = reduce(&state, .snapshot(Fixtures.profile(for: state.model)))
        var keys: [SortKey] = []
        for _ in 0..<3 {
            state.press(.char("s"))
            keys.append(state.sort)
        }
        #expect(keys == [.selfTime, .params, .execution])
        state.press(.char("T"))
        _ = reduce(&state, .snapshot(Fixtures.profile(for: state.model).inTrainStep(model: state.model)))
        state.press(.char("s"), .char("s"), .char("s"))
        #expect(state.sort == .backwardTime)
        // Within a level, rows come largest backward self time first.
        let topLevel = state.shownNames.filter { !$0.isEmpty && !$0.contains(".") }
        let times = topLevel.map { state.figures.profile(state.row(named: $0))?.backward?.selfTime.window.p50 ?? 0 }
        #expect(times.count > 2 && times == times.sorted(by: >), "\(topLevel) \(times)")
    }

    @Test func jumpsToTheFirstNonFiniteModule() {
        var state = AppState(model: Fixtures.resNet(), size: size)
        let target = state.row(named: "layer2.0.bn2")
        _ = reduce(&state, .snapshot(Fixtures.profile(for: state.model, nonFiniteRow: target)))
        state.press(.char("!"))
        #expect(state.selection == target)
        #expect(state.shownNames.contains("layer2.0.bn2"))
    }
}

@Suite struct PaneAndMouseTests {
    let size = TerminalSize(width: 100, height: 30)

    @Test func tabCyclesPanesAndHottestJumps() {
        var state = AppState(model: Fixtures.resNet(), size: size)
        _ = reduce(&state, .snapshot(Fixtures.profile(for: state.model)))
        state.press(.tab)
        #expect(state.focus == .detail)
        state.press(.tab)
        #expect(state.focus == .hottest)
        state.press(.down, .enter)
        #expect(state.focus == .tree)
        #expect(state.selection == state.hottest[1])
        state.press(.backTab)
        #expect(state.focus == .hottest)
    }

    @Test func clickSelectsAndClickOnMarkerToggles() {
        var state = AppState(model: Fixtures.resNet(), size: size)
        let body = ScreenLayout(state: state).treeBody
        let layer1Line = state.visible.line(of: state.row(named: "layer1")) ?? 0
        _ = reduce(&state, .mouse(MouseEvent(x: body.x + 10, y: body.y + layer1Line, action: .click)))
        #expect(state.selection == state.row(named: "layer1"))
        #expect(!state.shownNames.contains("layer1.0"))
        _ = reduce(&state, .mouse(MouseEvent(x: body.x + TreeGeometry.markerColumn(depth: 1), y: body.y + layer1Line,
                                             action: .click)))
        #expect(state.shownNames.contains("layer1.0"))
        _ = reduce(&state, .mouse(MouseEvent(x: body.x, y: body.y, action: .wheelDown)))
        #expect(state.selection == state.row(named: "avgpool"))
    }

    @Test func helpOpensScrollsAndCloses() {
        var state = AppState(model: Fixtures.leNet(), size: size)
        state.press(.function(1))
        #expect(state.showHelp)
        state.press(.down)
        #expect(state.helpScroll == 1)
        #expect(state.showHelp)
        state.press(.escape)
        #expect(!state.showHelp)
        state.press(.char("?"), .char("q"))
        #expect(!state.showHelp)
    }

    @Test func statusMessagesAgeOut() {
        var state = AppState(model: Fixtures.leNet(), size: size)
        state.press(.char("s"))
        #expect(state.status != nil)
        for _ in 0..<StatusMessage.lifetime { _ = reduce(&state, .tick) }
        #expect(state.status == nil)
    }
}
