/// Modules ranked by self-time p50: where the forward really spends its time.
enum HottestPane {
    static func render(_ state: AppState, into buffer: inout ScreenBuffer, rect: Rect, glyphs: Glyphs) {
        let focused = state.focus == .hottest
        PaneTitle.render("hottest (self p50)", focused: focused, into: &buffer, rect: rect, glyphs: glyphs)
        let body = rect.splitTop(HottestGeometry.firstEntryLine).1
        guard let snapshot = state.snapshot, !state.hottest.isEmpty else {
            buffer.put(" no measurements yet", x: body.x, y: body.y, style: .dim, clip: body)
            return
        }
        let total = snapshot.profile(0)?.inclusive.p50 ?? 0
        for (i, row) in state.hottest.prefix(body.height).enumerated() {
            guard let profile = snapshot.profile(row) else { continue }
            let y = body.y + i
            let time = Format.duration(milliseconds: profile.selfTime.p50)
            let share = total > 0 ? Format.percent(profile.selfTime.p50 / total) : ""
            let prefix = pad(time, 7) + " " + pad(share, 4) + " "
            let x = buffer.put(" " + prefix, x: body.x, y: y, style: .bar, clip: body)
            let name = Format.shortenName(AlertLine.displayName(state, row), to: max(1, body.maxX - x))
            buffer.put(name, x: x, y: y, clip: body)
            if i == state.hottestSelection, focused {
                buffer.restyle(x: body.x, y: y, count: body.width, style: .selection)
            }
        }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
