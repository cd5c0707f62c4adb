import ModelView

/// Applies one event to the state and returns what the app must do on the real model or runner.
///
/// Pure apart from `state`: tests drive it with fabricated events, the app with terminal input.
/// - Returns: effects in the order the app should perform them.
public func reduce(_ state: inout AppState, _ event: Event) -> [Effect] {
    switch event {
    case .resize(let width, let height):
        state.size = TerminalSize(width: max(0, width), height: max(0, height))
        state.clampScroll()
        return []
    case .tick:
        state.ageStatus()
        return []
    case .snapshot(let snapshot):
        return state.setSnapshot(snapshot)
    case .notice(let outcome):
        state.say(outcome.message, error: outcome.isError)
        return []
    case .outcome(let command, let outcome):
        state.say(outcome.message, error: outcome.isError)
        // A refused train step never started: back to plain forwards and the train/eval of before.
        if outcome.isError, command == .setTrainStep(true), state.trainStepRequested {
            state.trainStepRequested = false
            return state.restoreTrainingAfterStep()
        }
        return []
    case .mouse(let mouse):
        guard state.size.isUsable else { return [] }
        state.handleMouse(mouse)
        return []
    case .key(let key):
        return state.handleKey(key)
    }
}

extension AppState {
    /// Shows `text` in the status bar until it ages out or the next key.
    mutating func say(_ text: String, error: Bool = false) {
        status = StatusMessage(text: text, isError: error)
    }

    mutating func ageStatus() {
        guard var message = status else { return }
        message.age += 1
        status = message.age >= StatusMessage.lifetime ? nil : message
    }

    fileprivate mutating func handleKey(_ key: Key) -> [Effect] {
        status = nil
        if key == .ctrlC { return [.quit] }
        guard size.isUsable else { return key == .char("q") ? [.quit] : [] }
        if showHelp {
            handleHelpKey(key)
            return []
        }
        if let prompt {
            handlePromptKey(key, prompt)
            return []
        }
        return handleCommandKey(key)
    }

    private mutating func handleHelpKey(_ key: Key) {
        switch key {
        case .down, .char("j"): helpScroll += 1
        case .up, .char("k"): helpScroll = max(0, helpScroll - 1)
        case .pageDown: helpScroll += 10
        case .pageUp: helpScroll = max(0, helpScroll - 10)
        default: showHelp = false
        }
        helpScroll = min(helpScroll, max(0, KeyHelp.entries.count - 1))
    }

    private mutating func handleCommandKey(_ key: Key) -> [Effect] {
        switch key {
        case .char("q"): return [.quit]
        case .char("?"), .function(1):
            showHelp = true
            helpScroll = 0
        case .tab: cycleFocus(forward: true)
        case .backTab: cycleFocus(forward: false)
        case .escape: clearSearchAndFilter()
        case .char("/"):
            prompt = .search(origin: selection)
            search = ""
        case .char("n"): jumpToMatch(forward: true)
        case .char("N"): jumpToMatch(forward: false)
        case .char("f"): prompt = .filter(.className)
        case .char("s"):
            sort = sort.next(trainStep: inTrainStep)
            refreshVisible()
            say("sort: \(sort.rawValue)\(sortReversed ? ", reversed" : "")")
        case .char("S"):
            sortReversed.toggle()
            refreshVisible()
            say("sort: \(sort.rawValue)\(sortReversed ? ", reversed" : "")")
        case .char(" "): return toggleRequiresGrad(ofSubtree: selection)
        case .char("a"): return toggleRequiresGradOfAll()
        case .char("u"): return undo()
        case .char("t"): return toggleTraining()
        case .char("T"): return toggleTrainStep()
        case .char("p"):
            guard capabilities.canPause else {
                say("nothing to pause: \(capabilities.readOnlyReason ?? "this source does not run the model")", error: true)
                return []
            }
            return [.togglePause]
        case .char("e"):
            guard capabilities.canExport else {
                say("nothing to export: \(capabilities.readOnlyReason ?? "this source cannot write a session")", error: true)
                return []
            }
            return [.export]
        case .char("!"): jumpToFirstNonFinite()
        default: handleNavigationKey(key)
        }
        return []
    }

    private mutating func cycleFocus(forward: Bool) {
        let all = Pane.allCases
        let i = all.firstIndex(of: focus) ?? 0
        focus = all[(i + (forward ? 1 : all.count - 1)) % all.count]
        clampScroll()
    }

    private mutating func clearSearchAndFilter() {
        let hadFilter = filter.isActive
        search = ""
        if hadFilter {
            filter = TreeFilter()
            refreshVisible()
            say("filter cleared")
        }
    }
}
