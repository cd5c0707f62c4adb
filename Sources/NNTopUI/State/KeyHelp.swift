/// Every key binding with its description: the help overlay lists exactly these, so this table and the
/// reducer's `switch` are the two places to change together.
enum KeyHelp {
    struct Entry: Sendable, Equatable {
        let keys: String
        let action: String
    }

    static let entries: [Entry] = [
        Entry(keys: "↑↓ k j", action: "move selection"),
        Entry(keys: "PgUp PgDn", action: "page up / down"),
        Entry(keys: "Home End g G", action: "first / last row"),
        Entry(keys: "Enter l →", action: "expand, or go to first child"),
        Entry(keys: "h ←", action: "collapse, or go to parent"),
        Entry(keys: "+ -", action: "expand / collapse node"),
        Entry(keys: "*", action: "expand all"),
        Entry(keys: "1–9", action: "fold to depth"),
        Entry(keys: "mouse", action: "click selects, click ▸ toggles, wheel scrolls"),
        Entry(keys: "/", action: "incremental search (name or class)"),
        Entry(keys: "n N", action: "next / previous match"),
        Entry(keys: "f", action: "filter: class, name regex, trainable only"),
        Entry(keys: "Esc", action: "clear search and filter"),
        Entry(keys: "s S", action: "cycle sort (order, self, params, backward) / reverse"),
        Entry(keys: "Space", action: "toggle requires_grad of subtree"),
        Entry(keys: "a", action: "toggle requires_grad of all"),
        Entry(keys: "u", action: "undo requires_grad change"),
        Entry(keys: "t", action: "switch train / eval mode"),
        Entry(keys: "T", action: "train step: forward + backward + optimizer step"),
        Entry(keys: "p", action: "pause / resume the runner"),
        Entry(keys: "e", action: "export profile"),
        Entry(keys: "!", action: "jump to first NaN/Inf module"),
        Entry(keys: "Tab", action: "switch pane (tree, detail, hottest)"),
        Entry(keys: "? F1", action: "this help"),
        Entry(keys: "q Ctrl-C", action: "quit"),
    ]
}
