import ModelView

/// The flattened list of tree lines the tree pane shows (expanded subtrees, sorted, filtered).
///
/// It is rebuilt only when its inputs change (expansion, sort, filter, model, and for time sort the
/// snapshot), never per frame or per cursor move; the renderer then lays out only the lines on screen.
struct VisibleRows: Sendable, Equatable {
    struct Line: Sendable, Equatable {
        let row: Int
        /// Bit `d` is set when the line's ancestor at depth `d` (or the line itself, for its own depth) is
        /// the last shown child of its parent: it draws `└─`/blank instead of `├─`/`│`.
        let lastMask: UInt64
        /// Whether its children are shown right below it.
        let isOpen: Bool
    }

    private(set) var lines: [Line] = []
    /// Line of each row, -1 when hidden.
    private(set) var position: [Int] = []
    /// Rows matching the filter (all rows when no filter is active).
    private(set) var matches: [Bool] = []

    var count: Int { lines.count }

    func line(of row: Int) -> Int? {
        position.indices.contains(row) && position[row] >= 0 ? position[row] : nil
    }

    init() {}

    init(state: AppState) {
        let index = state.index
        let rowCount = state.model.modules.count
        position = Array(repeating: -1, count: rowCount)
        let matches = Self.filterMatches(state: state)
        var kept = matches
        if state.filter.isActive {
            for r in (0..<rowCount).reversed() where kept[r] {
                if let p = index.parent[r] { kept[p] = true }
            }
        }
        self.matches = matches
        let forcedOpen = state.filter.isActive
        let order = SiblingOrder(state: state)

        // Depth-first with an explicit stack of (row, mask of ancestors' "last" bits).
        var stack: [(row: Int, mask: UInt64)] = []
        let roots = order.sorted(index.roots.filter { kept[$0] })
        for (i, r) in roots.enumerated().reversed() {
            stack.append((r, i == roots.count - 1 ? Self.bit(index.depth[r]) : 0))
        }
        lines.reserveCapacity(min(rowCount, 4096))
        let expanded = state.expanded
        // One scratch buffer for every row's shown children: a rebuild of 100,000 rows allocates nothing per row.
        var shown: [Int] = []
        while let (row, mask) = stack.popLast() {
            shown.removeAll(keepingCapacity: true)
            let open: Bool
            if forcedOpen {
                for child in index.children[row] where kept[child] { shown.append(child) }
                open = !shown.isEmpty
            } else {
                open = !index.children[row].isEmpty && expanded.contains(row)
                if open { shown.append(contentsOf: index.children[row]) }
            }
            position[row] = lines.count
            lines.append(Line(row: row, lastMask: mask, isOpen: open))
            guard open else { continue }
            order.sort(&shown)
            for i in shown.indices.reversed() {
                let child = shown[i]
                let last = i == shown.count - 1 ? Self.bit(index.depth[child]) : 0
                stack.append((child, mask | last))
            }
        }
    }

    private static func bit(_ depth: Int) -> UInt64 {
        depth >= 0 && depth < 64 ? 1 << UInt64(depth) : 0
    }

    /// Rows that meet every active filter criterion.
    private static func filterMatches(state: AppState) -> [Bool] {
        let rows = state.model.modules
        let filter = state.filter
        guard filter.isActive else { return Array(repeating: true, count: rows.count) }
        let classNeedle = SearchText.needle(filter.classSubstring)
        let regex = filter.nameRegex.isEmpty ? nil : NameRegex(filter.nameRegex)
        let params = state.model.parameters
        let position = state.index.parameterPosition
        let text = state.searchText
        let hasRegex = regex != nil
        let nameRegex = regex ?? NameRegex.everything()
        return rows.indices.map { r in
            if !classNeedle.isEmpty, !text.className(r, contains: classNeedle) { return false }
            if hasRegex, !nameRegex.matches(rows[r].name) { return false }
            if filter.trainableOnly {
                let trainable = rows[r].params.contains { ref in position[ref.tensor].map { params[$0].requiresGrad } ?? false }
                if !trainable { return false }
            }
            return true
        }
    }
}

/// Orders siblings by the current sort key; ties (and the reverse of ties) keep `named_modules` order. The
/// key of every row is read once per rebuild into one array, so sorting a 100,000-row tree copies nothing.
private struct SiblingOrder {
    let key: SortKey
    let reversed: Bool
    /// The sort value of each row; empty for execution order.
    let values: [Double]

    init(state: AppState) {
        key = state.sort
        reversed = state.sortReversed
        let rows = state.model.modules.indices
        switch state.sort {
        case .execution: values = []
        case .selfTime: values = rows.map { state.figures.selfSortKey($0) }
        case .params: values = state.index.totalParams.map(Double.init)
        case .backwardTime: values = rows.map { state.figures.backwardSortKey($0) }
        }
    }

    func sorted(_ rows: [Int]) -> [Int] {
        var rows = rows
        sort(&rows)
        return rows
    }

    func sort(_ rows: inout [Int]) {
        guard key != .execution else {
            if reversed { rows.reverse() }
            return
        }
        guard rows.count > 1 else { return }
        let values = values, reversed = reversed
        rows.sort { a, b in
            let va = values[a], vb = values[b]
            if va != vb { return reversed ? va < vb : va > vb }
            return a < b
        }
    }
}
