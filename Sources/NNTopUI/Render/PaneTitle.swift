import ModelView

/// The title line every pane starts with: `─ title ─────`, highlighted when the pane has the focus.
enum PaneTitle {
    static func render(
        _ title: String, focused: Bool, into buffer: inout ScreenBuffer, rect: Rect, glyphs: Glyphs
    ) {
        guard rect.height > 0 else { return }
        let line = String(repeating: glyphs.horizontal, count: rect.width)
        buffer.put(line, x: rect.x, y: rect.y, style: .border, clip: rect)
        let text = " " + Format.truncate(title, to: max(0, rect.width - 4)) + " "
        buffer.put(text, x: rect.x + 1, y: rect.y, style: focused ? .title : .dim, clip: rect)
    }
}
