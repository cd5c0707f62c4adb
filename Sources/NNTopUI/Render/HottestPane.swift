/// Modules ranked by self-time p50: where the forward really spends its time — in train-step mode, forward
/// plus backward self time, where a training step spends it.
enum HottestPane {
    /// The ranking value of `row`, in ms.
    static func time(_ snapshot: ProfileSnapshot, _ row: Int) -> Double {
        guard let profile = snapshot.profile(row) else { return 0 }
        return profile.selfTime.p50 + (snapshot.trainStep == nil ? 0 : profile.backward?.selfTime.p50 ?? 0)
    }

    static func render(_ state: AppState, into buffer: inout ScreenBuffer, rect: Rect, glyphs: Glyphs) {
        let focused = state.focus == .hottest
        let title = state.snapshot?.trainStep == nil ? "hottest (self p50)" : "hottest (fwd+bwd self p50)"
        PaneTitle.render(title, focused: focused, into: &buffer, rect: rect, glyphs: glyphs)
        let body = rect.splitTop(HottestGeometry.firstEntryLine).1
        guard let snapshot = state.snapshot, !state.hottest.isEmpty else {
            buffer.put(" no measurements yet", x: body.x, y: body.y, style: .dim, clip: body)
            return
        }
        let root = snapshot.profile(0)
        let total = (root?.inclusive.p50 ?? 0) + (snapshot.trainStep == nil ? 0 : root?.backward?.inclusive.p50 ?? 0)
        for (i, row) in state.hottest.prefix(body.height).enumerated() {
            guard snapshot.profile(row) != nil else { continue }
            let y = body.y + i
            let value = time(snapshot, row)
            let time = Format.duration(milliseconds: value)
            let share = total > 0 ? Format.percent(value / total) : ""
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
