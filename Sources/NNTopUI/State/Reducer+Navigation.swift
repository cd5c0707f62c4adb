import ModelView

/// Cursor movement and expand/collapse, in the tree, detail and hottest panes.
extension AppState {
    mutating func handleNavigationKey(_ key: Key) {
        switch focus {
        case .tree: handleTreeKey(key)
        case .detail: handleDetailKey(key)
        case .hottest: handleHottestKey(key)
        }
    }

    private var pageSize: Int { max(1, ScreenLayout(state: self).treeBody.height) }

    private mutating func handleTreeKey(_ key: Key) {
        switch key {
        case .up, .char("k"): moveSelection(by: -1)
        case .down, .char("j"): moveSelection(by: 1)
        case .pageUp: moveSelection(by: -pageSize)
        case .pageDown: moveSelection(by: pageSize)
        case .home, .char("g"): moveSelection(toLine: 0)
        case .end, .char("G"): moveSelection(toLine: visible.count - 1)
        case .enter, .right, .char("l"): expandOrDescend()
        case .left, .char("h"): collapseOrAscend()
        case .char("+"), .char("="): setExpanded(selection, true)
        case .char("-"): setExpanded(selection, false)
        case .char("*"): expandAll()
        case .char(let c) where ("1"..."9").contains(c): c.wholeNumberValue.map { foldToDepth($0) }
        default: break
        }
    }

    private mutating func handleDetailKey(_ key: Key) {
        switch key {
        case .up, .char("k"): detailScroll = max(0, detailScroll - 1)
        case .down, .char("j"): detailScroll += 1
        case .home, .char("g"): detailScroll = 0
        default: handleTreeKey(key)
        }
    }

    private mutating func handleHottestKey(_ key: Key) {
        switch key {
        case .up, .char("k"): selectHottest(at: hottestSelection - 1)
        case .down, .char("j"): selectHottest(at: hottestSelection + 1)
        case .home, .char("g"): selectHottest(at: 0)
        case .end, .char("G"): selectHottest(at: hottest.count - 1)
        case .enter, .right, .char("l"):
            guard hottest.indices.contains(hottestSelection) else { return }
            hottestSelectedRow = hottest[hottestSelection]
            reveal(hottest[hottestSelection])
            focus = .tree
            clampScroll()
        default: break
        }
    }

    mutating func moveSelection(by delta: Int) {
        let line = visible.line(of: selection) ?? 0
        moveSelection(toLine: line + delta)
    }

    mutating func moveSelection(toLine line: Int) {
        guard !visible.lines.isEmpty else { return }
        selection = visible.lines[max(0, min(visible.count - 1, line))].row
        detailScroll = 0
        clampScroll()
    }

    /// Enter/l/→: open a closed node, or step onto the first child of an open one.
    private mutating func expandOrDescend() {
        guard let line = visible.line(of: selection), !index.children[selection].isEmpty else { return }
        if visible.lines[line].isOpen {
            moveSelection(toLine: line + 1)
        } else {
            setExpanded(selection, true)
        }
    }

    /// h/←: close an open node, or step to the parent of a closed one or a leaf.
    private mutating func collapseOrAscend() {
        if let line = visible.line(of: selection), visible.lines[line].isOpen, !filter.isActive {
            setExpanded(selection, false)
        } else if let parent = index.parent[selection] {
            selection = parent
            detailScroll = 0
            clampScroll()
        }
    }

    mutating func setExpanded(_ row: Int, _ open: Bool) {
        guard !index.children[row].isEmpty else { return }
        if open { expanded.insert(row) } else { expanded.remove(row) }
        refreshVisible()
    }

    private mutating func expandAll() {
        expanded = Set(model.modules.indices.filter { !index.children[$0].isEmpty })
        refreshVisible()
    }

    /// `1`–`9`: show rows down to `depth` below the root, as ncdu/htop fold levels.
    mutating func foldToDepth(_ depth: Int) {
        expanded = Set(model.modules.indices.filter { index.depth[$0] < depth && !index.children[$0].isEmpty })
        refreshVisible()
        say("folded to depth \(depth)")
    }

    /// Selects `row`, opening its ancestors so it is on screen.
    mutating func reveal(_ row: Int) {
        guard model.modules.indices.contains(row) else { return }
        let ancestors = index.ancestors(row)
        let opened = !expanded.isSuperset(of: ancestors)
        expanded.formUnion(ancestors)
        selection = row
        detailScroll = 0
        // Already on screen (every ancestor open): only the scroll follows, no rebuild of 100,000 lines.
        if opened || visible.line(of: row) == nil { refreshVisible() } else { clampScroll() }
    }

    mutating func jumpToFirstNonFinite() {
        guard let row = figures.firstNonFiniteRow else {
            say("no NaN/Inf seen")
            return
        }
        if filter.isActive, !visible.matches[row] {
            filter = TreeFilter()
        }
        reveal(row)
        focus = .tree
    }
}
