/// Small pure formatters for the numbers a PyTorch user reads in the tree: counts, durations, sizes
/// and module names. Three significant digits keep columns narrow and aligned.
public enum Format {
    /// `11689512` → `11.7M`, `44400` → `44.4K`, `6740000000` → `6.74B`, `512` → `512`.
    public static func count(_ value: Int) -> String {
        let sign = value < 0 ? "-" : ""
        let magnitude = Double(value.magnitude)
        if magnitude < 1000 { return sign + String(value.magnitude) }
        return sign + scaled(magnitude, base: 1000, units: ["K", "M", "B", "T"], separator: "")
    }

    /// A duration given in milliseconds: `0.0123` → `12.3µs`, `1.234` → `1.23ms`, `2345` → `2.35s`.
    public static func duration(milliseconds ms: Double) -> String {
        guard ms.isFinite else { return "—" }
        // Times come from agents and session files too: a negative or absurd one is shown, never trusted.
        if ms < 0 { return "-" + duration(milliseconds: -ms) }
        let micro = "µs"
        if ms < 0.0009995 { return significant(ms * 1_000_000) + "ns" }
        if ms < 0.9995 { return significant(ms * 1000) + micro }
        if ms < 999.5 { return significant(ms) + "ms" }
        if ms < 999_500 { return significant(ms / 1000) + "s" }
        return number(ms / 1000) + "s"
    }

    /// Binary units, as `torch.cuda.memory_summary` prints them: `512 B`, `4.00 KiB`, `44.6 MiB`.
    public static func bytes(_ value: Int) -> String {
        let magnitude = Double(value.magnitude)
        let sign = value < 0 ? "-" : ""
        if magnitude < 1024 { return "\(sign)\(value.magnitude) B" }
        return sign + scaled(magnitude, base: 1024, units: ["KiB", "MiB", "GiB", "TiB"], separator: " ")
    }

    /// A fraction 0...1 as a whole percentage (`0.123` → `12%`), `<1%` for small non-zero values.
    public static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "—" }
        if fraction > 0, fraction < 0.005 { return "<1%" }
        guard abs(fraction) < 1e9 else { return number(fraction * 100) + "%" }
        return "\(Int((fraction * 100).rounded()))%"
    }

    /// A statistic such as an activation mean or a gradient norm: 2–3 significant digits, scientific outside
    /// 0.1...1e5 (a fixed `0.00` would hide a small gradient).
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        let magnitude = abs(value)
        if magnitude == 0 { return "0" }
        let sign = value < 0 ? "-" : ""
        if magnitude >= 0.0995, magnitude < 99_999.5 { return sign + significant(magnitude) }
        var exponent = Int((magnitude).log10Floor)
        var mantissa = magnitude / pow10(exponent)
        if mantissa >= 9.995 {
            mantissa /= 10
            exponent += 1
        }
        return sign + fixed(mantissa, decimals: 2) + "e" + String(exponent)
    }

    /// Shortens a dotted module name to `width` characters, dropping leading components first so the
    /// distinctive tail stays (`layer1.0.downsample.0` → `…downsample.0`), then cutting the end.
    public static func shortenName(_ name: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if name.count <= width { return name }
        var parts = name.split(separator: ".", omittingEmptySubsequences: false)
        while parts.count > 1 {
            parts.removeFirst()
            let candidate = "…" + parts.joined(separator: ".")
            if candidate.count <= width { return candidate }
        }
        return truncate(name, to: width)
    }

    /// Calls per forward: `2` for a module called twice in every forward, `1.5` when it varies.
    public static func callsPerForward(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        return value == value.rounded() ? String(Int(value)) : significant(value)
    }

    /// Cuts `text` to `width` characters, ending in `…` when something was cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if text.count <= width { return text }
        return String(text.prefix(width - 1)) + "…"
    }

    /// Short dtype names for narrow columns: `float32` → `f32`, `bfloat16` → `bf16`, `int64` → `i64`.
    public static func dtype(_ name: String) -> String {
        let table = [
            "float32": "f32", "float64": "f64", "float16": "f16", "bfloat16": "bf16", "int64": "i64",
            "int32": "i32", "int16": "i16", "int8": "i8", "uint8": "u8", "bool": "bool",
        ]
        let bare = name.hasPrefix("torch.") ? String(name.dropFirst(6)) : name
        return table[bare] ?? bare
    }

    /// Three significant digits of a non-negative value, with the unit stepping up on overflow.
    private static func scaled(_ magnitude: Double, base: Double, units: [String], separator: String) -> String {
        var value = magnitude / base
        var unit = 0
        while value >= 999.5, unit < units.count - 1 {
            value /= base
            unit += 1
        }
        return significant(value) + separator + units[unit]
    }

    /// `1.234` → `1.23`, `12.34` → `12.3`, `123.4` → `123` (values below 999.5).
    private static func significant(_ value: Double) -> String {
        if value >= 1e15 { return number(value) }  // scientific; no Int conversion that could overflow
        if value >= 99.95 { return String(Int(value.rounded())) }
        if value >= 9.995 { return fixed(value, decimals: 1) }
        return fixed(value, decimals: 2)
    }

    /// Fixed-point without Foundation's `String(format:)`, so the library stays dependency-free.
    private static func fixed(_ value: Double, decimals: Int) -> String {
        let scale = pow10(decimals)
        let scaledValue = Int((value * scale).rounded())
        let whole = scaledValue / Int(scale)
        let fraction = scaledValue % Int(scale)
        let digits = String(fraction)
        return "\(whole)." + String(repeating: "0", count: decimals - digits.count) + digits
    }

    private static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(exponent) { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }
}

extension Double {
    /// `floor(log10(self))` for positive finite values, without Foundation.
    fileprivate var log10Floor: Int {
        var exponent = 0
        var value = self
        while value >= 10 {
            value /= 10
            exponent += 1
        }
        while value < 1 {
            value *= 10
            exponent -= 1
        }
        return exponent
    }
}
