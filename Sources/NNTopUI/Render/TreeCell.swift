import ModelView

/// The text and style of one data cell of the tree. Open rows show their own values; closed rows show
/// their whole subtree (buffers, dtypes, devices) so a folded tree still adds up. Times, shares and FLOPs
/// come from `Figures`, the one place they are derived.
enum TreeCell {
    static func content(
        _ column: TreeColumn, row: Int, isOpen: Bool, state: AppState, glyphs: Glyphs
    ) -> Segment {
        let index = state.index
        let figures = state.figures
        // On the meta device a forward only propagates shapes: its "timings" are not the model's.
        let timed = !state.shapesOnly
        switch column {
        case .className:
            return Segment(state.model.modules[row].className)
        case .own:
            return Segment(index.ownParams[row] > 0 ? Format.count(index.ownParams[row]) : "", .dim)
        case .total:
            return Segment(index.totalParams[row] > 0 ? Format.count(index.totalParams[row]) : "")
        case .trainable:
            switch state.accounting.state(of: row, index: index) {
            case .yes: return Segment("yes", .trainable)
            case .no: return Segment("no", .frozen)
            case .partial: return Segment("part", .partial)
            case .none: return Segment("")
            }
        case .dtype:
            let dtypes = isOpen ? index.dtypes[row] : index.subtreeDtypes[row]
            return Segment(dtypes.map(Format.dtype).joined(separator: ","), .dim)
        case .device:
            return Segment((isOpen ? index.devices[row] : index.subtreeDevices[row]).joined(separator: ","), .dim)
        case .buffers:
            let bytes = isOpen ? state.model.modules[row].bufferBytes : index.subtreeBufferBytes[row]
            return Segment(bytes > 0 ? Format.bytes(bytes) : "", .dim)
        case .output:
            return Segment(figures.profile(row)?.outputShape ?? "", .dim)
        case .flops:
            return Segment(figures.totalFlops[row].map(Format.count) ?? "")
        case .p50:
            return Segment(timed ? figures.inclusiveMs(row).map(Format.duration(milliseconds:)) ?? "" : "")
        case .selfTime:
            return Segment(timed ? figures.selfMs(row).map(Format.duration(milliseconds:)) ?? "" : "", .dim)
        case .backward:
            return Segment(timed ? figures.backwardMs(row).map(Format.duration(milliseconds:)) ?? "" : "")
        case .gradNorm:
            guard let gradient = figures.profile(row)?.gradient else { return Segment("") }
            let bad = gradient.hasNonFinite
            return Segment(bad ? "NaN/Inf" : Format.number(gradient.norm), bad ? .error : .normal)
        case .share:
            guard timed, let share = figures.share(row) else { return Segment("") }
            let bar = Sparkline.bar(fraction: share, width: 4, glyphs: glyphs)
            let percent = Format.percent(share)
            return Segment(bar + String(repeating: " ", count: max(1, 5 - percent.count)) + percent, .bar)
        case .calls:
            guard let calls = figures.profile(row)?.callsPerForward, calls != 1 else { return Segment("") }
            return Segment("×" + Format.callsPerForward(calls), .warning)
        }
    }
}
