/// The text and style of one data cell of the tree. Open rows show their own values; closed rows show
/// their whole subtree (buffers, FLOPs, dtypes, devices) so a folded tree still adds up.
enum TreeCell {
    static func content(
        _ column: TreeColumn, row: Int, isOpen: Bool, state: AppState, glyphs: Glyphs
    ) -> Segment {
        let info = state.model.rows[row]
        let index = state.index
        let profile = state.snapshot?.profile(row)
        switch column {
        case .className:
            return Segment(info.className)
        case .own:
            return Segment(info.ownParamNumel > 0 ? Format.count(info.ownParamNumel) : "", .dim)
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
            let dtypes = isOpen ? info.dtypes : index.subtreeDtypes[row]
            return Segment(dtypes.map(Format.dtype).joined(separator: ","), .dim)
        case .device:
            return Segment((isOpen ? info.devices : index.subtreeDevices[row]).joined(separator: ","), .dim)
        case .buffers:
            let bytes = isOpen ? info.bufferBytes : index.subtreeBufferBytes[row]
            return Segment(bytes > 0 ? Format.bytes(bytes) : "", .dim)
        case .output:
            return Segment(info.outputShape ?? "", .dim)
        case .flops:
            let flops = isOpen ? info.flops : index.subtreeFlops[row]
            return Segment(flops.map(Format.count) ?? "")
        case .p50:
            return Segment(profile.map { Format.duration(milliseconds: $0.inclusive.p50) } ?? "")
        case .backward:
            return Segment(profile?.backward.map { Format.duration(milliseconds: $0.inclusive.p50) } ?? "")
        case .gradNorm:
            guard let gradient = profile?.gradient else { return Segment("") }
            let bad = gradient.nanCount + gradient.infCount > 0
            return Segment(bad ? "NaN/Inf" : Format.number(gradient.norm), bad ? .error : .normal)
        case .share:
            guard let profile else { return Segment("") }
            let bar = Sparkline.bar(fraction: profile.share, width: 4, glyphs: glyphs)
            let percent = Format.percent(profile.share)
            return Segment(bar + String(repeating: " ", count: max(1, 5 - percent.count)) + percent, .bar)
        case .unaccounted:
            return Segment(unaccounted(row, state: state).map { Format.duration(milliseconds: $0) } ?? "", .dim)
        }
    }

    /// Time a parent spends outside its children (functional code in `forward`): inclusive p50 minus the
    /// children's inclusive p50, for rows that have measured children.
    static func unaccounted(_ row: Int, state: AppState) -> Double? {
        guard let snapshot = state.snapshot, let own = snapshot.profile(row) else { return nil }
        let children = state.index.children[row].compactMap { snapshot.profile($0) }
        guard !children.isEmpty else { return nil }
        return max(0, own.inclusive.p50 - children.reduce(0) { $0 + $1.inclusive.p50 })
    }
}
