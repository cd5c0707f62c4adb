/// `--ascii` promises a screen of plain ASCII, including formatter output (`µs`, `…`) and module names
/// or error messages that carry other characters; this last pass over a frame keeps that promise.
enum AsciiFold {
    static func apply(to buffer: inout ScreenBuffer) {
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                guard let c = buffer[x, y].character, !c.isASCII else { continue }
                buffer[x, y].character = replacement(c)
                if x + 1 < buffer.width, buffer[x + 1, y].character == nil { buffer[x + 1, y].character = " " }
            }
        }
    }

    static func replacement(_ c: Character) -> Character {
        switch c {
        case "…", "≈": return "~"
        case "µ": return "u"
        case "—", "–", "─": return "-"
        case "×", "✗": return "x"
        case "·": return "|"
        case "⚠": return "!"
        case "●": return "*"
        case "↑": return "^"
        case "↓": return "v"
        case "→", "▸": return ">"
        case "←": return "<"
        case "“", "”": return "\""
        default: return "?"
        }
    }
}
