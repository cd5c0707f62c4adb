/// Clicks and the wheel, hit-tested against the same `ScreenLayout` the renderer uses.
extension AppState {
    static let wheelStep = 3

    mutating func handleMouse(_ mouse: MouseEvent) {
        if showHelp {
            if mouse.action == .click { showHelp = false }
            return
        }
        let layout = ScreenLayout(state: self)
        if let tree = layout.tree, tree.contains(x: mouse.x, y: mouse.y) {
            focus = .tree
            handleTreeMouse(mouse, body: layout.treeBody)
        } else if let detail = layout.detail, detail.contains(x: mouse.x, y: mouse.y) {
            focus = .detail
            switch mouse.action {
            case .wheelUp: detailScroll = max(0, detailScroll - Self.wheelStep)
            case .wheelDown: detailScroll += Self.wheelStep
            case .click: break
            }
        } else if let hottest = layout.hottest, hottest.contains(x: mouse.x, y: mouse.y) {
            focus = .hottest
            handleHottestMouse(mouse, pane: hottest)
        }
    }

    private mutating func handleTreeMouse(_ mouse: MouseEvent, body: Rect) {
        switch mouse.action {
        case .wheelUp: moveSelection(by: -Self.wheelStep)
        case .wheelDown: moveSelection(by: Self.wheelStep)
        case .click:
            let line = scroll + mouse.y - body.y
            guard body.contains(x: mouse.x, y: mouse.y), visible.lines.indices.contains(line) else { return }
            let row = visible.lines[line].row
            selection = row
            detailScroll = 0
            if mouse.x - body.x == TreeGeometry.markerColumn(depth: index.depth[row]) {
                setExpanded(row, !visible.lines[line].isOpen)
            }
            clampScroll()
        }
    }

    private mutating func handleHottestMouse(_ mouse: MouseEvent, pane: Rect) {
        let last = max(0, hottest.count - 1)
        switch mouse.action {
        case .wheelUp: selectHottest(at: hottestSelection - Self.wheelStep)
        case .wheelDown: selectHottest(at: min(last, hottestSelection + Self.wheelStep))
        case .click:
            let entry = mouse.y - pane.y - HottestGeometry.firstEntryLine
            guard hottest.indices.contains(entry) else { return }
            selectHottest(at: entry)
            reveal(hottest[entry])
        }
    }
}

/// Where the tree pane draws the ▸/▾ marker, shared with mouse hit-testing.
enum TreeGeometry {
    /// Two columns of guides per level above the row, so the marker sits at `2 × depth`.
    static func markerColumn(depth: Int) -> Int { 2 * max(0, depth) }
}

/// Line layout of the hottest pane, shared with mouse hit-testing.
enum HottestGeometry {
    /// The title line comes first.
    static let firstEntryLine = 1
}
