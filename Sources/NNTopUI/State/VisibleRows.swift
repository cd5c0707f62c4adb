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
        while let (row, mask) = stack.popLast() {
            let children = index.children[row].filter { kept[$0] }
            let open = !children.isEmpty && (forcedOpen || state.expanded.contains(row))
            position[row] = lines.count
            lines.append(Line(row: row, lastMask: mask, isOpen: open))
            guard open else { continue }
            let sorted = order.sorted(children)
            let inherited = mask
            for (i, child) in sorted.enumerated().reversed() {
                let last = i == sorted.count - 1 ? Self.bit(index.depth[child]) : 0
                stack.append((child, inherited | last))
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
        let classNeedle = filter.classSubstring.lowercased()
        let regex = filter.nameRegex.isEmpty ? nil : try? Regex(filter.nameRegex)
        let params = state.model.parameters
        let position = state.index.parameterPosition
        return rows.map { row in
            if !classNeedle.isEmpty, !row.className.lowercased().contains(classNeedle) { return false }
            if let regex, !row.name.contains(regex) { return false }
            if filter.trainableOnly {
                let trainable = row.params.contains { ref in position[ref.tensor].map { params[$0].requiresGrad } ?? false }
                if !trainable { return false }
            }
            return true
        }
    }
}

/// Orders siblings by the current sort key; ties (and the reverse of ties) keep `named_modules` order.
private struct SiblingOrder {
    let key: SortKey
    let reversed: Bool
    let figures: Figures
    let totalParams: [Int]

    init(state: AppState) {
        key = state.sort
        reversed = state.sortReversed
        figures = state.figures
        totalParams = state.index.totalParams
    }

    func sorted(_ rows: [Int]) -> [Int] {
        switch key {
        case .execution: return reversed ? rows.reversed() : rows
        case .selfTime: return byValue(rows) { figures.selfMs($0) ?? 0 }
        case .params: return byValue(rows) { Double(totalParams[$0]) }
        case .backwardTime: return byValue(rows) { figures.profile($0)?.backward?.selfTime.window.p50 ?? 0 }
        }
    }

    private func byValue(_ rows: [Int], _ value: (Int) -> Double) -> [Int] {
        let keyed = rows.map { (row: $0, value: value($0)) }
        return keyed.sorted { a, b in
            if a.value != b.value { return reversed ? a.value < b.value : a.value > b.value }
            return a.row < b.row
        }.map(\.row)
    }
}
