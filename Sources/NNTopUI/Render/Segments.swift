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

    /// Draws `segments` so they end at the right edge of `rect`; leading ones are dropped if needed.
    /// - Returns: the column where the drawn text starts.
    @discardableResult
    mutating func putRight(_ segments: [Segment], y: Int, rect: Rect, minX: Int) -> Int {
        var kept = segments
        while !kept.isEmpty, rect.maxX - kept.reduce(0, { $0 + $1.width }) < minX { kept.removeFirst() }
        let start = rect.maxX - kept.reduce(0) { $0 + $1.width }
        put(kept, x: start, y: y, rect: rect)
        return start
    }
}
