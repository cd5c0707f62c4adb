import ModelView

/// A centered box listing every key binding (`?`/F1); scrolls on small terminals.
enum HelpOverlay {
    static func render(_ state: AppState, into buffer: inout ScreenBuffer, rect: Rect, glyphs: Glyphs) {
        let entries = KeyHelp.entries
        let keyWidth = entries.map { CharacterWidth.of($0.keys) }.max() ?? 0
        let contentWidth = keyWidth + 2 + (entries.map { CharacterWidth.of($0.action) }.max() ?? 0)
        let width = min(rect.width - 2, contentWidth + 4)
        let height = min(rect.height - 2, entries.count + 3)
        let box = Rect(x: rect.x + (rect.width - width) / 2, y: rect.y + (rect.height - height) / 2,
                       width: width, height: height)
        drawBox(box, title: " keys ", into: &buffer, glyphs: glyphs)
        let inner = Rect(x: box.x + 2, y: box.y + 1, width: box.width - 4, height: box.height - 3)
        let first = min(state.helpScroll, max(0, entries.count - inner.height))
        for (i, entry) in entries.dropFirst(first).prefix(inner.height).enumerated() {
            let y = inner.y + i
            buffer.put(entry.keys, x: inner.x, y: y, style: .key, clip: inner)
            buffer.put(entry.action, x: inner.x + keyWidth + 2, y: y, clip: inner)
        }
        let more = first + inner.height < entries.count ? "j/k scroll · " : ""
        let footer = Rect(x: inner.x, y: box.maxY - 2, width: inner.width, height: 1)
        buffer.put(more + "any other key closes", x: footer.x, y: footer.y, style: .dim, clip: footer)
    }

    private static func drawBox(_ box: Rect, title: String, into buffer: inout ScreenBuffer, glyphs: Glyphs) {
        guard box.width >= 2, box.height >= 2 else { return }
        buffer.fill(box)
        let horizontal = String(repeating: glyphs.horizontal, count: box.width - 2)
        let c = glyphs.corners
        buffer.put(String(c.topLeft) + horizontal + String(c.topRight), x: box.x, y: box.y, style: .border)
        buffer.put(String(c.bottomLeft) + horizontal + String(c.bottomRight), x: box.x, y: box.maxY - 1,
                   style: .border)
        for y in (box.y + 1)..<(box.maxY - 1) {
            buffer.put(String(glyphs.vertical), x: box.x, y: y, style: .border)
            buffer.put(String(glyphs.vertical), x: box.maxX - 1, y: y, style: .border)
        }
        buffer.put(title, x: box.x + 2, y: box.y, style: .title)
    }
}
