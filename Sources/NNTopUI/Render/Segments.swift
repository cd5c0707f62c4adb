/// A run of styled text; views assemble lines from segments and drop the ones that do not fit, so
/// narrow terminals lose detail instead of wrapping.
struct Segment {
    let text: String
    let style: Style

    init(_ text: String, _ style: Style = .normal) {
        self.text = text
        self.style = style
    }

    var width: Int { CharacterWidth.of(text) }
}

extension ScreenBuffer {
    /// Draws `segments` left to right from `x`, stopping before the first one that does not fit.
    /// - Returns: the column after the last segment drawn.
    @discardableResult
    mutating func put(_ segments: [Segment], x: Int, y: Int, rect: Rect) -> Int {
        var column = x
        for segment in segments {
            guard column + segment.width <= rect.maxX else { break }
            column = put(segment.text, x: column, y: y, style: segment.style, clip: rect)
        }
        return column
    }

    /// Draws `items` joined by `separator` so they end at the right edge of `rect`, never left of `minX`;
    /// leading items are dropped whole when there is not enough room.
    mutating func putRight(_ items: [Segment], separator: Segment, y: Int, rect: Rect, minX: Int) {
        var kept = items
        func width() -> Int { kept.reduce(0) { $0 + $1.width } + max(0, kept.count - 1) * separator.width }
        while !kept.isEmpty, rect.maxX - width() < minX { kept.removeFirst() }
        var joined: [Segment] = []
        for (i, item) in kept.enumerated() { joined += i == 0 ? [item] : [separator, item] }
        put(joined, x: rect.maxX - width(), y: y, rect: rect)
    }
}

extension Segment {
    /// Lays out `groups` (a label and its value, each kept whole) on as many lines of `width` as they need,
    /// two spaces apart, so a pane never shows a label without its value.
    static func wrap(_ groups: [[Segment]], width: Int) -> [[Segment]] {
        var lines: [[Segment]] = []
        var line: [Segment] = []
        var used = 0
        for group in groups where !group.isEmpty {
            let groupWidth = group.reduce(0) { $0 + $1.width }
            if !line.isEmpty, used + 2 + groupWidth > width {
                lines.append(line)
                line = []
                used = 0
            }
            if !line.isEmpty {
                line.append(Segment("  "))
                used += 2
            }
            line += group
            used += groupWidth
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
