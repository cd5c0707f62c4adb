import ModelView

/// Draws the whole UI for `state` into `buffer` within `rect` (normally the whole buffer): header, alert
/// line, tree, detail and hottest panes, status bar and the help overlay.
public func render(_ state: AppState, into buffer: inout ScreenBuffer, rect: Rect) {
    buffer.colorMode = state.colorMode
    buffer.fill(rect)
    let minimum = TerminalSize.minimum
    if rect.width < minimum.width || rect.height < minimum.height {
        TooSmallView.render(into: &buffer, rect: rect)
    } else {
        var sized = state
        sized.size = TerminalSize(width: rect.width, height: rect.height)
        let layout = ScreenLayout(state: sized)
        let glyphs = Glyphs.forMode(ascii: state.ascii)
        func moved(_ r: Rect) -> Rect { Rect(x: r.x + rect.x, y: r.y + rect.y, width: r.width, height: r.height) }
        HeaderView.render(state, into: &buffer, rect: moved(layout.header))
        if let alert = layout.alert { AlertLine.render(state, into: &buffer, rect: moved(alert)) }
        for divider in layout.dividers {
            let line = moved(divider)
            for y in line.y..<line.maxY { buffer.put(String(glyphs.vertical), x: line.x, y: y, style: .border) }
        }
        if let tree = layout.tree { TreePane.render(state, into: &buffer, rect: moved(tree), glyphs: glyphs) }
        if let detail = layout.detail {
            DetailPane.render(state, into: &buffer, rect: moved(detail), glyphs: glyphs)
        }
        if let hottest = layout.hottest {
            HottestPane.render(state, into: &buffer, rect: moved(hottest), glyphs: glyphs)
        }
        StatusBar.render(state, into: &buffer, rect: moved(layout.status))
        if state.showHelp { HelpOverlay.render(state, into: &buffer, rect: rect, glyphs: glyphs) }
    }
    if state.ascii { AsciiFold.apply(to: &buffer) }
}

/// A new buffer the size of the terminal with the whole UI drawn.
public func render(_ state: AppState) -> ScreenBuffer {
    var buffer = ScreenBuffer(width: state.size.width, height: state.size.height)
    render(state, into: &buffer, rect: buffer.bounds)
    return buffer
}

/// Shown instead of the UI below 40×10, so a cramped terminal never shows a garbled screen.
enum TooSmallView {
    static func render(into buffer: inout ScreenBuffer, rect: Rect) {
        let minimum = TerminalSize.minimum
        // Short words wrapped to the width, so even a 20-column terminal reads the whole message.
        let words = ["terminal", "too", "small:", "need", "\(minimum.width)×\(minimum.height),", "have",
                     "\(rect.width)×\(rect.height);", "q", "quits"]
        var lines: [String] = []
        for word in words {
            if let last = lines.last, last.count + 1 + word.count <= rect.width {
                lines[lines.count - 1] = last + " " + word
            } else {
                lines.append(word)
            }
        }
        let top = rect.y + max(0, (rect.height - lines.count) / 2)
        for (i, line) in lines.enumerated() {
            let text = Format.truncate(line, to: rect.width)
            let x = rect.x + max(0, (rect.width - text.count) / 2)
            buffer.put(text, x: x, y: top + i, style: i == 0 ? .warning : .dim, clip: rect)
        }
    }
}
