/// One terminal cell.
public struct Cell: Sendable, Equatable {
    /// The character drawn here; `nil` for the right half of a wide character drawn in the cell before.
    public var character: Character?
    public var style: Style

    public init(_ character: Character?, _ style: Style = .normal) {
        self.character = character
        self.style = style
    }

    public static let blank = Cell(" ")
}

/// A rectangle of cells, in screen coordinates.
public struct Rect: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }

    func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }

    /// The top `rows` lines and the rest.
    func splitTop(_ rows: Int) -> (Rect, Rect) {
        let top = min(max(0, rows), height)
        return (Rect(x: x, y: y, width: width, height: top),
                Rect(x: x, y: y + top, width: width, height: height - top))
    }

    /// The left `columns` and the rest.
    func splitLeft(_ columns: Int) -> (Rect, Rect) {
        let left = min(max(0, columns), width)
        return (Rect(x: x, y: y, width: left, height: height),
                Rect(x: x + left, y: y, width: width - left, height: height))
    }
}

/// The frame the views draw into; the terminal presents it (diffing against the previous one).
public struct ScreenBuffer: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// How the terminal should map styles; taken from `AppState.colorMode` by `render`.
    public var colorMode: ColorMode = .color

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Fills `rect` (clipped to the screen) with `character`.
    public mutating func fill(_ rect: Rect, _ character: Character = " ", style: Style = .normal) {
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) { self[x, y] = Cell(character, style) }
        }
    }

    /// Writes `text` starting at (x, y), clipped to `clip` and the screen; wide characters take two cells
    /// and are dropped rather than split at the right edge.
    /// - Returns: the column after the last cell written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .normal, clip: Rect? = nil) -> Int {
        let limit = clip ?? bounds
        guard y >= max(0, limit.y), y < min(height, limit.maxY) else { return x }
        let right = min(width, limit.maxX)
        var column = x
        for character in text {
            let w = CharacterWidth.of(character)
            if w == 0 { continue }
            if column + w > right { break }
            if column >= max(0, limit.x) {
                self[column, y] = Cell(character, style)
                if w == 2 { self[column + 1, y] = Cell(nil, style) }
            }
            column += w
        }
        return column
    }

    /// Restyles cells of row `y` from `x` for `count` columns, keeping their characters.
    public mutating func restyle(x: Int, y: Int, count: Int, style: Style) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, x + count) { self[column, y].style = style }
    }

    /// Each line as text, trailing blanks removed: the form snapshot tests compare.
    public var lines: [String] {
        (0..<height).map { y in
            var line = ""
            for x in 0..<width {
                if let c = self[x, y].character { line.append(c) }
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// All lines joined with newlines.
    public var text: String { lines.joined(separator: "\n") }
}
