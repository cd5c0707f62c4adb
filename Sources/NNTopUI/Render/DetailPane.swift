import ModelView

/// Everything about the selected module: latency percentiles and history, self vs inclusive time,
/// activation statistics, its error, and its own parameters with requires_grad. Values come in
/// label-value groups that wrap whole, so no width cuts a number off its label.
enum DetailPane {
    static func render(_ state: AppState, into buffer: inout ScreenBuffer, rect: Rect, glyphs: Glyphs) {
        guard state.model.modules.indices.contains(state.selection), rect.height > 0 else { return }
        let row = state.model.modules[state.selection]
        let name = AlertLine.displayName(state, state.selection)
        PaneTitle.render("\(name) · \(row.className)", focused: state.focus == .detail, into: &buffer,
                         rect: rect, glyphs: glyphs)
        let body = rect.splitTop(1).1
        let lines = content(state, width: max(1, body.width - 1), glyphs: glyphs)
        let first = min(state.detailScroll, max(0, lines.count - body.height))
        for (i, line) in lines.dropFirst(first).prefix(body.height).enumerated() {
            buffer.put(line, x: body.x + 1, y: body.y + i, rect: body)
        }
    }

    /// All lines of the pane before scrolling.
    static func content(_ state: AppState, width: Int, glyphs: Glyphs) -> [[Segment]] {
        let row = state.selection
        var lines: [[Segment]] = []
        if state.figures.failedRow == row, let message = state.snapshot?.runner.message {
            lines += Segment.wrap([[Segment("✗ forward failed here:", .error)]]
                                  + message.split(separator: " ").map { [Segment(String($0), .error)] }, width: width)
        }
        lines += profileLines(state, width: width, glyphs: glyphs)
        var shape: [[Segment]] = []
        if let output = state.figures.profile(row)?.outputShape { shape.append([Segment("output ", .dim), Segment(output)]) }
        if let flops = state.figures.totalFlops[row] {
            shape.append([Segment("FLOPs ", .dim), Segment(Format.count(flops))])
            if let own = state.figures.profile(row)?.flops, own != flops {
                shape.append([Segment("own ", .dim), Segment(Format.count(own))])
            }
        }
        lines += Segment.wrap(shape, width: width)
        lines += parameterLines(state, width: width)
        return lines
    }

    private static func profileLines(_ state: AppState, width: Int, glyphs: Glyphs) -> [[Segment]] {
        let figures = state.figures
        let row = state.selection
        guard let profile = figures.profile(row) else {
            let text: String
            switch state.snapshot?.runner.state {
            case nil: text = "waiting for the profiler"
            case .loading?: text = state.snapshot?.runner.message ?? "loading"
            default: text = "not called in the sample forward"
            }
            return [[Segment(text, .dim)]]
        }
        if state.shapesOnly {
            return [[Segment("meta device: shapes only, no timings or statistics", .dim)]]
        }
        let ms = { (value: Double) in Format.duration(milliseconds: value) }
        let incl = profile.inclusive.window
        var groups: [[Segment]] = [[Segment("calls/fwd ", .dim), Segment(Format.callsPerForward(profile.callsPerForward))]]
        groups += [[Segment("p50 ", .dim), Segment(ms(incl.p50))], [Segment("p90 ", .dim), Segment(ms(incl.p90))],
                   [Segment("p99 ", .dim), Segment(ms(incl.p99))], [Segment("max ", .dim), Segment(ms(incl.max))]]
        var lines = Segment.wrap(groups, width: width)
        var split: [[Segment]] = [[Segment("self ", .dim), Segment(ms(profile.selfTime.window.p50))],
                                  [Segment("inclusive ", .dim), Segment(ms(incl.p50))]]
        if let share = figures.share(row) { split.append([Segment("self% ", .dim), Segment(Format.percent(share))]) }
        lines += Segment.wrap(split, width: width)
        if !profile.historyMs.isEmpty {
            lines.append([Segment("latency ", .dim),
                          Segment(Sparkline.line(profile.historyMs, width: width - 9, glyphs: glyphs), .bar)])
        }
        if let act = profile.outputs.first {
            let nonFinite: Style = act.hasNonFinite ? .error : .normal
            lines += Segment.wrap([
                [Segment("act mean ", .dim), Segment(Format.number(act.mean))],
                [Segment("std ", .dim), Segment(Format.number(act.std))],
                [Segment("min ", .dim), Segment(Format.number(act.min))],
                [Segment("max ", .dim), Segment(Format.number(act.max))],
                [Segment("zeros ", .dim), Segment(Format.percent(act.zeroFraction))],
                [Segment("NaN ", .dim), Segment(String(act.nanCount), nonFinite)],
                [Segment("Inf ", .dim), Segment(String(act.infCount), nonFinite)],
            ], width: width)
        }
        if !profile.meanHistory.isEmpty {
            lines.append([Segment("mean    ", .dim),
                          Segment(Sparkline.line(profile.meanHistory, width: width - 9, glyphs: glyphs), .bar)])
        }
        if state.inTrainStep { lines += backwardLines(profile, width: width) }
        return lines
    }

    /// Train-step mode: where the backward time goes and what the gradients look like.
    private static func backwardLines(_ profile: ModuleProfile, width: Int) -> [[Segment]] {
        let ms = { (value: Double) in Format.duration(milliseconds: value) }
        var lines: [[Segment]] = []
        if let backward = profile.backward {
            lines += Segment.wrap([[Segment("backward p50 ", .dim), Segment(ms(backward.inclusive.window.p50))],
                                   [Segment("p90 ", .dim), Segment(ms(backward.inclusive.window.p90))],
                                   [Segment("self ", .dim), Segment(ms(backward.selfTime.window.p50))]], width: width)
        } else {
            lines.append([Segment("backward: no gradient flows through this module", .dim)])
        }
        if let g = profile.gradient {
            let nonFinite: Style = g.hasNonFinite ? .error : .normal
            lines += Segment.wrap([[Segment("grad norm ", .dim), Segment(Format.number(g.norm))],
                                   [Segment("mean ", .dim), Segment(Format.number(g.mean))],
                                   [Segment("max|g| ", .dim), Segment(Format.number(g.maxAbs))],
                                   [Segment("NaN ", .dim), Segment(String(g.nanCount), nonFinite)],
                                   [Segment("Inf ", .dim), Segment(String(g.infCount), nonFinite)]], width: width)
        }
        return lines
    }

    private static func parameterLines(_ state: AppState, width: Int) -> [[Segment]] {
        let row = state.model.modules[state.selection]
        let params = row.params.compactMap { ref in
            state.index.parameterPosition[ref.tensor].map { (ref.name, state.model.parameters[$0], $0) }
        }
        guard !params.isEmpty else { return [] }
        var lines: [[Segment]] = [[Segment("parameters", .title)]]
        for (attribute, p, position) in params {
            let shape = p.shape.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" } ?? "uninitialized"
            var groups = [[Segment(attribute)], [Segment(shape, .dim)], [Segment(Format.dtype(p.dtype), .dim)],
                          [Segment(p.requiresGrad ? "requires_grad" : "frozen", p.requiresGrad ? .trainable : .frozen)]]
            let owners = state.index.ownerRows[position].count
            if owners > 1 { groups.append([Segment("tied ×\(owners) (\(p.name))", .warning)]) }
            lines += Segment.wrap(groups, width: width)
        }
        return lines
    }
}
