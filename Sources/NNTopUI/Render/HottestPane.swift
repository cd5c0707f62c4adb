import ModelView

/// Modules ranked by self-time p50: where the forward really spends its time — in train-step mode, forward
/// plus backward self time, where a training step spends it. The percentage is `Figures.hotShare`, the
/// tree's `self%` in forward mode.
enum HottestPane {
    static func render(_ state: AppState, into buffer: inout ScreenBuffer, rect: Rect, glyphs: Glyphs) {
        let focused = state.focus == .hottest
        let title = state.inTrainStep ? "hottest (fwd+bwd self p50, % of step)" : "hottest (self p50, self%)"
        PaneTitle.render(title, focused: focused, into: &buffer, rect: rect, glyphs: glyphs)
        let body = rect.splitTop(HottestGeometry.firstEntryLine).1
        guard !state.hottest.isEmpty, !state.shapesOnly else {
            let text = state.shapesOnly ? " meta device: shapes only" : " no measurements yet"
            buffer.put(text, x: body.x, y: body.y, style: .dim, clip: body)
            return
        }
        let figures = state.figures
        let selected = state.hottestSelection
        for (i, row) in state.hottest.prefix(body.height).enumerated() {
            let y = body.y + i
            let time = Format.duration(milliseconds: figures.hotness(row))
            let share = figures.hotShare(row).map(Format.percent) ?? ""
            let prefix = pad(time, 7) + " " + pad(share, 4) + " "
            let x = buffer.put(" " + prefix, x: body.x, y: y, style: .bar, clip: body)
            let name = Format.shortenName(AlertLine.displayName(state, row), to: max(1, body.maxX - x))
            buffer.put(name, x: x, y: y, clip: body)
            if i == selected, focused {
                buffer.restyle(x: body.x, y: y, count: body.width, style: .selection)
            }
        }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
