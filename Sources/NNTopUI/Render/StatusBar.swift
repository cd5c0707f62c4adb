import ModelView

/// The bottom line: the active prompt (search or filter form), a status message, or key hints.
enum StatusBar {
    static func render(_ state: AppState, into buffer: inout ScreenBuffer, rect: Rect) {
        buffer.fill(rect, style: .statusBar)
        let segments: [Segment]
        switch state.prompt {
        case .search?:
            segments = [Segment("/", .key), Segment(state.search + "_", .statusBar),
                        Segment("   Enter keep · Esc cancel · n/N next/prev", .statusBar)]
        case .filter(let field)?:
            segments = filterForm(state.filter, active: field)
        case nil:
            if let status = state.status {
                segments = [Segment(status.text, status.isError ? .error : .statusBar)]
            } else {
                drawHints(state, into: &buffer, rect: rect)
                return
            }
        }
        buffer.put(segments, x: rect.x, y: rect.y, rect: rect)
    }

    private static func filterForm(_ filter: TreeFilter, active: FilterField) -> [Segment] {
        func field(_ label: String, _ value: String, _ which: FilterField, invalid: Bool = false) -> [Segment] {
            let style: Style = invalid ? .error : (active == which ? .selection : .statusBar)
            return [Segment(label, .statusBar), Segment("[" + value + (active == which ? "_" : "") + "]", style)]
        }
        let invalid = !filter.nameRegex.isEmpty && (try? Regex(filter.nameRegex)) == nil
        return [Segment("filter ", .key)]
            + field("class ", filter.classSubstring, .className)
            + field("  name~", filter.nameRegex, .nameRegex, invalid: invalid)
            + field("  trainable only ", filter.trainableOnly ? "x" : " ", .trainableOnly)
            + [Segment("  Tab field · Space toggle · Enter done · Esc clear", .statusBar)]
    }

    /// Key hints, most useful first; a hint is shown whole or not at all.
    private static func drawHints(_ state: AppState, into buffer: inout ScreenBuffer, rect: Rect) {
        let can = state.capabilities
        var pairs: [(String, String)] = [("?", "help"), ("/", "search"), ("f", "filter"), ("s", "sort")]
        if can.canEdit { pairs += [("Space", "grad"), ("u", "undo"), ("t", "train/eval")] }
        if can.canTrainStep { pairs.append(("T", state.trainStepRequested ? "stop step" : "train step")) }
        if can.canPause { pairs.append(("p", "pause")) }
        if can.canExport { pairs.append(("e", "export")) }
        pairs += [("Tab", "pane"), ("q", "quit")]
        if !state.search.isEmpty { pairs.insert(("n/N", "“\(state.search)”"), at: 2) }
        var x = rect.x
        for (key, label) in pairs {
            let hint = [Segment(key, .key), Segment(" " + label, .statusBar)]
            guard x + hint.reduce(0, { $0 + $1.width }) <= rect.maxX else { break }
            x = buffer.put(hint, x: x, y: rect.y, rect: rect) + 2
        }
    }
}
