import ModelView

/// Tiny inline charts: a sparkline of recent values and a horizontal bar with eighth-cell resolution.
enum Sparkline {
    /// The last `width` values scaled from 0 to their maximum (latencies read as absolute heights).
    static func line(_ values: [Double], width: Int, glyphs: Glyphs) -> String {
        let shown = values.suffix(max(0, width)).map { $0.isFinite ? max(0, $0) : 0 }
        guard let top = shown.max(), top > 0 else { return String(repeating: glyphs.sparkSteps[0], count: shown.count) }
        let levels = glyphs.sparkSteps.count
        return String(shown.map { glyphs.sparkSteps[min(levels - 1, Int($0 / top * Double(levels - 1) + 0.5))] })
    }

    /// A bar `width` cells wide filled to `fraction` (clamped to 0...1).
    static func bar(fraction: Double, width: Int, glyphs: Glyphs) -> String {
        let clamped = fraction.isFinite ? min(1, max(0, fraction)) : 0
        let eighths = Int((clamped * Double(width * 8)).rounded())
        var text = String(repeating: glyphs.barSteps[8], count: eighths / 8)
        if eighths % 8 > 0 { text.append(glyphs.barSteps[eighths % 8]) }
        return text + String(repeating: " ", count: max(0, width - text.count))
    }
}
