/// Everything about the selected module: latency percentiles and history, self vs inclusive time,
/// activation statistics, its error, and its own parameters with requires_grad.
enum DetailPane {
    static func render(_ state: AppState, into buffer: inout ScreenBuffer, rect: Rect, glyphs: Glyphs) {
        guard state.model.rows.indices.contains(state.selection), rect.height > 0 else { return }
        let row = state.model.rows[state.selection]
        let name = AlertLine.displayName(state, state.selection)
        PaneTitle.render("\(name) · \(row.className)", focused: state.focus == .detail, into: &buffer,
                         rect: rect, glyphs: glyphs)
        let body = rect.splitTop(1).1
        let lines = content(state, width: body.width, glyphs: glyphs)
        let first = min(state.detailScroll, max(0, lines.count - body.height))
        for (i, line) in lines.dropFirst(first).prefix(body.height).enumerated() {
            buffer.put(line, x: body.x + 1, y: body.y + i, rect: body)
        }
    }

    /// All lines of the pane before scrolling.
    static func content(_ state: AppState, width: Int, glyphs: Glyphs) -> [[Segment]] {
        let rowIndex = state.selection
        let row = state.model.rows[rowIndex]
        var lines: [[Segment]] = []
        if let error = row.error {
            lines.append([Segment("✗ forward failed here: \(error)", .error)])
        }
        lines += profileLines(state, width: width, glyphs: glyphs)
        var shape: [Segment] = []
        if let output = row.outputShape { shape += [Segment("output ", .dim), Segment(output)] }
        if let flops = state.index.subtreeFlops[rowIndex] {
            shape += [Segment("  FLOPs ", .dim), Segment(Format.count(flops))]
        }
        if !shape.isEmpty { lines.append(shape) }
        lines += parameterLines(state)
        return lines
    }

    private static func profileLines(_ state: AppState, width: Int, glyphs: Glyphs) -> [[Segment]] {
        guard let profile = state.snapshot?.profile(state.selection) else {
            return [[Segment(state.snapshot == nil ? "waiting for the profiler" : "not called in the sample forward", .dim)]]
        }
        let ms = { (value: Double) in Format.duration(milliseconds: value) }
        let incl = profile.inclusive
        var lines: [[Segment]] = [
            [Segment("calls ", .dim), Segment(String(profile.calls)),
             Segment("  p50 ", .dim), Segment(ms(incl.p50)), Segment("  p90 ", .dim), Segment(ms(incl.p90)),
             Segment("  p99 ", .dim), Segment(ms(incl.p99)), Segment("  max ", .dim), Segment(ms(incl.max))],
            [Segment("self ", .dim), Segment(ms(profile.selfTime.p50)),
             Segment("  inclusive ", .dim), Segment(ms(incl.p50)),
             Segment("  share ", .dim), Segment(Format.percent(profile.share))]
                + (TreeCell.unaccounted(state.selection, state: state).map {
                    [Segment("  unaccounted ", .dim), Segment(ms($0))]
                } ?? []),
        ]
        if !profile.history.isEmpty {
            lines.append([Segment("latency ", .dim),
                          Segment(Sparkline.line(profile.history, width: width - 10, glyphs: glyphs), .bar)])
        }
        if let act = profile.activation {
            let nonFinite: Style = act.nanCount + act.infCount > 0 ? .error : .normal
            lines.append([
                Segment("act mean ", .dim), Segment(Format.number(act.mean)),
                Segment("  std ", .dim), Segment(Format.number(act.std)),
                Segment("  min ", .dim), Segment(Format.number(act.min)),
                Segment("  max ", .dim), Segment(Format.number(act.max)),
            ])
            lines.append([
                Segment("zeros ", .dim), Segment(Format.percent(act.zeroFraction)),
                Segment("  NaN ", .dim), Segment(String(act.nanCount), nonFinite),
                Segment("  Inf ", .dim), Segment(String(act.infCount), nonFinite),
            ])
        }
        if !profile.activationHistory.isEmpty {
            lines.append([Segment("mean    ", .dim),
                          Segment(Sparkline.line(profile.activationHistory, width: width - 10, glyphs: glyphs), .bar)])
        }
        if state.snapshot?.trainStep != nil { lines += backwardLines(profile) }
        return lines
    }

    /// Train-step mode: where the backward time goes and what the gradients look like.
    private static func backwardLines(_ profile: RowProfile) -> [[Segment]] {
        let ms = { (value: Double) in Format.duration(milliseconds: value) }
        var lines: [[Segment]] = []
        if let backward = profile.backward {
            lines.append([Segment("backward p50 ", .dim), Segment(ms(backward.inclusive.p50)),
                          Segment("  p90 ", .dim), Segment(ms(backward.inclusive.p90)),
                          Segment("  self ", .dim), Segment(ms(backward.selfTime.p50))])
        } else {
            lines.append([Segment("backward: no gradient flows through this module", .dim)])
        }
        if let g = profile.gradient {
            let nonFinite: Style = g.nanCount + g.infCount > 0 ? .error : .normal
            lines.append([Segment("grad norm ", .dim), Segment(Format.number(g.norm)),
                          Segment("  mean ", .dim), Segment(Format.number(g.mean)),
                          Segment("  max|g| ", .dim), Segment(Format.number(g.maxAbs)),
                          Segment("  NaN ", .dim), Segment(String(g.nanCount), nonFinite),
                          Segment("  Inf ", .dim), Segment(String(g.infCount), nonFinite)])
        }
        return lines
    }

    private static func parameterLines(_ state: AppState) -> [[Segment]] {
        let row = state.model.rows[state.selection]
        let params = row.paramIDs.compactMap { state.index.parameterPosition[$0].map { state.model.parameters[$0] } }
        guard !params.isEmpty else { return [] }
        var lines: [[Segment]] = [[Segment("parameters", .title)]]
        for p in params {
            let shape = "[" + p.shape.map(String.init).joined(separator: ", ") + "]"
            var line = [
                Segment(shortParamName(p.name, row: row) + " "),
                Segment(shape + " ", .dim),
                Segment(Format.dtype(p.dtype) + " ", .dim),
                Segment(p.requiresGrad ? "requires_grad" : "frozen", p.requiresGrad ? .trainable : .frozen),
            ]
            if p.isTied { line.append(Segment(" tied ×\(p.ownerRows.count) (\(p.name))", .warning)) }
            lines.append(line)
        }
        return lines
    }

    /// The attribute name under this module (`weight`), falling back to the first qualified name.
    private static func shortParamName(_ name: String, row: ModuleRow) -> String {
        let prefix = row.name.isEmpty ? "" : row.name + "."
        return name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
    }
}
