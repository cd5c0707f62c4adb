/// Tree guides, boxes, bars and sparklines, with ASCII stand-ins for `--ascii` (serial consoles, fonts
/// without box drawing). Single symbols in text (`·`, `✗`, `…`) are folded by `AsciiFold` instead.
struct Glyphs: Sendable {
    let expanded: String
    let collapsed: String
    /// Connector of a child that has siblings after it.
    let branch: String
    /// Connector of the last child.
    let lastBranch: String
    /// Guide under an ancestor that has siblings after it.
    let pipe: String
    /// Horizontal stub before a leaf's name.
    let leaf: String
    let horizontal: Character
    let vertical: Character
    let corners: (topLeft: Character, topRight: Character, bottomLeft: Character, bottomRight: Character)
    /// Eighths of a cell, from empty to full, for bars.
    let barSteps: [Character]
    /// Sparkline levels from lowest to highest.
    let sparkSteps: [Character]

    static let unicode = Glyphs(
        expanded: "▾", collapsed: "▸", branch: "├─", lastBranch: "└─", pipe: "│ ", leaf: "─",
        horizontal: "─", vertical: "│", corners: ("┌", "┐", "└", "┘"),
        barSteps: [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"],
        sparkSteps: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    )

    static let ascii = Glyphs(
        expanded: "v", collapsed: ">", branch: "|-", lastBranch: "`-", pipe: "| ", leaf: "-",
        horizontal: "-", vertical: "|", corners: ("+", "+", "+", "+"),
        barSteps: [" ", " ", " ", " ", "-", "-", "-", "-", "#"],
        sparkSteps: ["_", ".", "-", "-", "=", "=", "#", "#"]
    )

    static func forMode(ascii: Bool) -> Glyphs { ascii ? .ascii : .unicode }
}
