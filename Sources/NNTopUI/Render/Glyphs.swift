/// The non-ASCII characters the UI draws, with ASCII stand-ins for `--ascii` (serial consoles, fonts
/// without box drawing).
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
    let cross: String
    let check: String
    let warning: String
    let bullet: String
    let separator: String

    static let unicode = Glyphs(
        expanded: "▾", collapsed: "▸", branch: "├─", lastBranch: "└─", pipe: "│ ", leaf: "─",
        horizontal: "─", vertical: "│", corners: ("┌", "┐", "└", "┘"),
        barSteps: [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"],
        sparkSteps: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        cross: "✗", check: "✓", warning: "⚠", bullet: "●", separator: "·"
    )

    static let ascii = Glyphs(
        expanded: "v", collapsed: ">", branch: "|-", lastBranch: "`-", pipe: "| ", leaf: "-",
        horizontal: "-", vertical: "|", corners: ("+", "+", "+", "+"),
        barSteps: [" ", " ", " ", " ", "-", "-", "-", "-", "#"],
        sparkSteps: ["_", ".", "-", "-", "=", "=", "#", "#"],
        cross: "x", check: "y", warning: "!", bullet: "*", separator: "|"
    )

    static func forMode(ascii: Bool) -> Glyphs { ascii ? .ascii : .unicode }
}
