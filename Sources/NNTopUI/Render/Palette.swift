/// How many colors the terminal may use; `NO_COLOR` or `--no-color` select `.mono`.
public enum ColorMode: Sendable, Equatable {
    /// 256 colors.
    case color
    /// The 8 basic colors, bright variants via bold.
    case basic16
    /// Only bold and reverse video.
    case mono
}

/// A terminal color index (0–7 are the basic ANSI colors, up to 255 in `.color` mode).
public typealias TerminalColor = Int16

/// Concrete attributes of a style in one color mode; a terminal backend only translates these.
public struct CellAttributes: Sendable, Equatable, Hashable {
    /// `nil` is the terminal's default color.
    public var foreground: TerminalColor?
    public var background: TerminalColor?
    public var bold: Bool
    public var reverse: Bool

    public init(
        foreground: TerminalColor? = nil, background: TerminalColor? = nil, bold: Bool = false,
        reverse: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
    }
}

/// The one place that turns semantic styles into colors.
public enum Palette {
    public static func attributes(for style: Style, mode: ColorMode) -> CellAttributes {
        switch mode {
        case .mono: return mono(style)
        case .basic16: return basic(style)
        case .color: return rich(style)
        }
    }

    private static func mono(_ style: Style) -> CellAttributes {
        switch style {
        case .selection, .statusBar, .match: return CellAttributes(reverse: true)
        case .title, .emphasis, .error, .warning, .key, .selectionInactive: return CellAttributes(bold: true)
        case .normal, .dim, .border, .trainable, .frozen, .partial, .bar: return CellAttributes()
        }
    }

    private static func basic(_ style: Style) -> CellAttributes {
        let (black, red, green, yellow, blue, magenta, cyan, white): (TerminalColor, TerminalColor,
            TerminalColor, TerminalColor, TerminalColor, TerminalColor, TerminalColor, TerminalColor) =
            (0, 1, 2, 3, 4, 5, 6, 7)
        switch style {
        case .normal: return CellAttributes()
        case .dim, .border: return CellAttributes(foreground: blue)
        case .title: return CellAttributes(foreground: cyan, bold: true)
        case .emphasis: return CellAttributes(foreground: white, bold: true)
        case .selection: return CellAttributes(foreground: black, background: cyan)
        case .selectionInactive: return CellAttributes(foreground: black, background: white)
        case .match: return CellAttributes(foreground: black, background: yellow)
        case .error: return CellAttributes(foreground: red, bold: true)
        case .warning: return CellAttributes(foreground: yellow, bold: true)
        case .trainable: return CellAttributes(foreground: green)
        case .frozen: return CellAttributes(foreground: blue)
        case .partial: return CellAttributes(foreground: yellow)
        case .bar: return CellAttributes(foreground: magenta)
        case .statusBar: return CellAttributes(foreground: black, background: white)
        case .key: return CellAttributes(foreground: cyan, bold: true)
        }
    }

    private static func rich(_ style: Style) -> CellAttributes {
        switch style {
        case .dim: return CellAttributes(foreground: 244)
        case .border: return CellAttributes(foreground: 240)
        case .selection: return CellAttributes(foreground: 16, background: 117)
        case .selectionInactive: return CellAttributes(foreground: 16, background: 248)
        case .match: return CellAttributes(foreground: 16, background: 221)
        case .trainable: return CellAttributes(foreground: 114)
        case .frozen: return CellAttributes(foreground: 110)
        case .partial: return CellAttributes(foreground: 221)
        case .bar: return CellAttributes(foreground: 177)
        case .statusBar: return CellAttributes(foreground: 16, background: 250)
        case .normal, .title, .emphasis, .error, .warning, .key: return basic(style)
        }
    }
}
