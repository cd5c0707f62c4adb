import ModelView

/// Typing into the `/` search and `f` filter lines; both apply as you type.
extension AppState {
    mutating func handlePromptKey(_ key: Key, _ current: Prompt) {
        switch current {
        case .search(let origin): handleSearchKey(key, origin: origin)
        case .filter(let field): handleFilterKey(key, field: field)
        }
    }

    private mutating func handleSearchKey(_ key: Key, origin: Int) {
        switch key {
        case .enter:
            prompt = nil
        case .escape:
            prompt = nil
            search = ""
            reveal(origin)
        case .backspace:
            guard !search.isEmpty else { return }
            search.removeLast()
            searchFrom(origin)
        case .char(let c):
            search.append(c)
            searchFrom(origin)
        default:
            break
        }
    }

    private mutating func handleFilterKey(_ key: Key, field: FilterField) {
        switch (key, field) {
        case (.enter, _):
            prompt = nil
            if !filter.nameRegex.isEmpty, (try? Regex(filter.nameRegex)) == nil {
                say("filter: “\(filter.nameRegex)” is not a valid regular expression; the name filter is off", error: true)
            }
        case (.escape, _):
            prompt = nil
            filter = TreeFilter()
            refreshVisible()
        case (.tab, _), (.down, _):
            prompt = .filter(field.next(by: 1))
        case (.backTab, _), (.up, _):
            prompt = .filter(field.next(by: -1))
        case (.char(" "), .trainableOnly):
            filter.trainableOnly.toggle()
            refreshVisible()
        case (.backspace, .className):
            guard !filter.classSubstring.isEmpty else { return }
            filter.classSubstring.removeLast()
            refreshVisible()
        case (.backspace, .nameRegex):
            guard !filter.nameRegex.isEmpty else { return }
            filter.nameRegex.removeLast()
            refreshVisible()
        case (.char(let c), .className):
            filter.classSubstring.append(c)
            refreshVisible()
        case (.char(let c), .nameRegex):
            filter.nameRegex.append(c)
            refreshVisible()
        default:
            break
        }
    }

    /// Whether `row` matches the search query (qualified name or class, case-insensitive).
    func matchesSearch(_ row: Int) -> Bool {
        guard !search.isEmpty, model.modules.indices.contains(row) else { return false }
        return searchText.name(row, contains: searchNeedle) || searchText.className(row, contains: searchNeedle)
    }

    /// Incremental search: the first match at or after `origin`, wrapping around.
    private mutating func searchFrom(_ origin: Int) {
        if let row = nextMatch(after: origin - 1, forward: true) {
            reveal(row)
        } else {
            say("no match for “\(search)”", error: true)
        }
    }

    /// `n`/`N`: the next or previous match after the selection, in `named_modules` order, wrapping.
    mutating func jumpToMatch(forward: Bool) {
        guard !search.isEmpty else {
            say("no search: press / first")
            return
        }
        if let row = nextMatch(after: selection, forward: forward) {
            reveal(row)
        } else {
            say("no match for “\(search)”", error: true)
        }
    }

    private func nextMatch(after start: Int, forward: Bool) -> Int? {
        let count = model.modules.count
        guard count > 0 else { return nil }
        for step in 1...count {
            let row = ((start + (forward ? step : -step)) % count + count) % count
            if matchesSearch(row), visible.matches[row] { return row }
        }
        return nil
    }
}

extension FilterField {
    func next(by step: Int) -> FilterField {
        let all = Self.allCases
        let i = all.firstIndex(of: self) ?? 0
        return all[((i + step) % all.count + all.count) % all.count]
    }
}
