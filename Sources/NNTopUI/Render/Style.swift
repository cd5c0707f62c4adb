/// What a cell means, not how it looks: the terminal maps each style to colors or, in monochrome, to
/// bold/reverse (see `Palette`). Keeping it semantic lets tests compare screens without escape codes.
public enum Style: UInt8, Sendable, CaseIterable {
    case normal
    /// Secondary text: guides, units, hints.
    case dim
    /// Pane titles and column headings.
    case title
    /// Values in the header meters.
    case emphasis
    case border
    /// The selected row in the focused pane.
    case selection
    /// The selected row in a pane without focus.
    case selectionInactive
    /// Search hits.
    case match
    case error
    case warning
    /// Trainable (`requires_grad=True`).
    case trainable
    /// Frozen (`requires_grad=False`).
    case frozen
    /// Partly trainable subtree.
    case partial
    /// Latency bars and sparklines.
    case bar
    case statusBar
    /// Key names in the status bar and help.
    case key
}
