import ModelView

/// The module tree: a heading line, then one line per visible row with indentation guides, ▸/▾ markers,
/// markers for shared/tied/lazy modules and failures, and the columns that fit.
enum TreePane {
    static func render(_ state: AppState, into buffer: inout ScreenBuffer, rect: Rect, glyphs: Glyphs) {
        guard rect.height > 0 else { return }
        let columns = TreeColumn.fitting(width: rect.width, trainStep: state.inTrainStep)
        let nameWidth = rect.width - columns.reduce(0) { $0 + 1 + $1.width }
        renderHeading(state, columns: columns, nameWidth: nameWidth, into: &buffer, rect: rect, glyphs: glyphs)
        let body = rect.splitTop(1).1
        let visible = state.visible
        guard !visible.lines.isEmpty else {
            let message = state.filter.isActive ? "no module matches the filter (Esc clears)" : "no modules"
            buffer.put(message, x: body.x + 1, y: body.y, style: .dim, clip: body)
            return
        }
        let context = RowContext(state: state, glyphs: glyphs)
        for i in 0..<body.height {
            let lineIndex = state.scroll + i
            guard visible.lines.indices.contains(lineIndex) else { break }
            let lineRect = Rect(x: body.x, y: body.y + i, width: body.width, height: 1)
            renderLine(visible.lines[lineIndex], context: context, columns: columns, nameWidth: nameWidth,
                       into: &buffer, rect: lineRect)
        }
    }

    private static func renderHeading(
        _ state: AppState, columns: [TreeColumn], nameWidth: Int, into buffer: inout ScreenBuffer, rect: Rect,
        glyphs: Glyphs
    ) {
        buffer.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), style: .title)
        var title = "module"
        if state.sort != .execution || state.sortReversed {
            title += " [\(state.sort.rawValue)\(state.sortReversed ? " reversed" : "")]"
        }
        if state.filter.isActive { title += " [filtered]" }
        buffer.put(Format.truncate(title, to: nameWidth - 1), x: rect.x, y: rect.y, style: .title, clip: rect)
        var x = rect.x + nameWidth
        for column in columns {
            putAligned(column.title, column: column, x: x + 1, y: rect.y, style: .title, into: &buffer)
            x += 1 + column.width
        }
    }

    /// What every line needs, computed once per frame.
    private struct RowContext {
        let state: AppState
        let glyphs: Glyphs
        let selectionStyle: Style
        let searchNeedle: String

        init(state: AppState, glyphs: Glyphs) {
            self.state = state
            self.glyphs = glyphs
            selectionStyle = state.focus == .tree && state.prompt == nil ? .selection : .selectionInactive
            searchNeedle = state.search.lowercased()
        }
    }

    private static func renderLine(
        _ line: VisibleRows.Line, context: RowContext, columns: [TreeColumn], nameWidth: Int,
        into buffer: inout ScreenBuffer, rect: Rect
    ) {
        let state = context.state
        let row = state.model.modules[line.row]
        let isSelected = line.row == state.selection
        let nameRect = Rect(x: rect.x, y: rect.y, width: max(0, nameWidth - 1), height: 1)
        let hasChildren = line.isOpen || (!state.filter.isActive && !state.index.children[line.row].isEmpty)
        let guides = guidePrefix(line, depth: state.index.depth[line.row], hasChildren: hasChildren, glyphs: context.glyphs)
        var x = buffer.put(guides, x: rect.x, y: rect.y, style: .dim, clip: nameRect)
        var nameStyle: Style = state.visible.matches[line.row] ? .normal : .dim
        if state.figures.failedRow == line.row { nameStyle = .error }
        if !context.searchNeedle.isEmpty, state.matchesSearch(line.row) { nameStyle = .match }
        let name = row.name.isEmpty ? state.model.name : row.shortName
        x = buffer.put(Format.truncate(name, to: max(0, nameRect.maxX - x)), x: x, y: rect.y, style: nameStyle,
                       clip: nameRect)
        // Markers follow the full name and are cut, not the name: the row must stay recognizable.
        for tag in tagSegments(row, row: line.row, state: state) where x < nameRect.maxX {
            x = buffer.put(Format.truncate(tag.text, to: nameRect.maxX - x), x: x, y: rect.y, style: tag.style,
                           clip: nameRect)
        }

        var columnX = rect.x + nameWidth
        for column in columns {
            let cell = TreeCell.content(column, row: line.row, isOpen: line.isOpen, state: state, glyphs: context.glyphs)
            putAligned(cell.text, column: column, x: columnX + 1, y: rect.y, style: cell.style, into: &buffer)
            columnX += 1 + column.width
        }
        if isSelected { buffer.restyle(x: rect.x, y: rect.y, count: rect.width, style: context.selectionStyle) }
    }

    /// `│ │ ├─▾ ` for a row at depth 3: a pipe under every ancestor with later siblings, then the row's
    /// own connector and its marker (a stub for leaves) at `TreeGeometry.markerColumn(depth:)`.
    static func guidePrefix(_ line: VisibleRows.Line, depth: Int, hasChildren: Bool, glyphs: Glyphs) -> String {
        var text = ""
        if depth > 0 {
            for level in 1..<depth { text += isLast(line, level) ? "  " : glyphs.pipe }
            text += isLast(line, depth) ? glyphs.lastBranch : glyphs.branch
        }
        if hasChildren { return text + (line.isOpen ? glyphs.expanded : glyphs.collapsed) + " " }
        return text + (depth > 0 ? glyphs.leaf : " ") + " "
    }

    private static func isLast(_ line: VisibleRows.Line, _ level: Int) -> Bool {
        level < 64 && line.lastMask & (1 << UInt64(level)) != 0
    }

    private static func tagSegments(_ row: ModuleNode, row index: Int, state: AppState) -> [Segment] {
        var tags: [Segment] = []
        if row.shared { tags.append(Segment(" [shared]", .warning)) }
        if state.index.hasTiedParams[index] { tags.append(Segment(" [tied]", .warning)) }
        if row.lazy { tags.append(Segment(" [lazy]", .warning)) }
        if state.figures.failedRow == index, let message = state.snapshot?.runner.message {
            tags.append(Segment(" ✗ \(message)", .error))
        }
        return tags
    }

    private static func putAligned(
        _ text: String, column: TreeColumn, x: Int, y: Int, style: Style, into buffer: inout ScreenBuffer
    ) {
        let clipped = Format.truncate(text, to: column.width)
        let pad = column.alignsRight ? column.width - CharacterWidth.of(clipped) : 0
        let clip = Rect(x: x, y: y, width: column.width, height: 1)
        buffer.put(clipped, x: x + pad, y: y, style: style, clip: clip)
    }
}
