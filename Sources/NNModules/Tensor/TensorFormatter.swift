import Foundation

/// PyTorch's `torch/_tensor_str.py` with default print options (precision 4, threshold 1000, edgeitems 3,
/// linewidth 80): the same int/fixed/scientific mode choice, column width, wrapping and summarization,
/// and the same suffixes (`device=`, `size=`, `dtype=`, `requires_grad=True`).
public enum TensorFormatter {
    static let precision = 4
    static let threshold = 1000
    static let edgeItems = 3
    static let lineWidth = 80

    public static func repr(_ tensor: Tensor) -> String {
        if tensor.isLazy { return "<\(tensor.typeName)>" }
        let body = contents(tensor, prefix: "tensor(")
        if tensor is Parameter { return "Parameter containing:\n" + body }
        return body
    }

    static func contents(_ tensor: Tensor, prefix: String) -> String {
        let indent = prefix.count
        var suffixes: [String] = []
        var text: String
        if tensor.device != .cpu { suffixes.append("device='\(tensor.device)'") }
        let defaultDType: Set<DType> = [.float32, .complex64, .int64, .bool]
        if tensor.device == .meta {
            suffixes.append("size=" + pythonTuple(tensor.sizes))
            if !defaultDType.contains(tensor.dtype) { suffixes.append("dtype=" + tensor.dtype.torchName) }
            text = "..."
        } else if tensor.count == 0 {
            if tensor.rank != 1 { suffixes.append("size=" + pythonTuple(tensor.sizes)) }
            if tensor.dtype != .float32 { suffixes.append("dtype=" + tensor.dtype.torchName) }
            text = "[]"
        } else {
            if !defaultDType.contains(tensor.dtype) { suffixes.append("dtype=" + tensor.dtype.torchName) }
            text = body(tensor, indent: indent)
        }
        if let name = tensor.gradFnName {
            suffixes.append("grad_fn=<\(name)>")
        } else if tensor.requiresGrad {
            suffixes.append("requires_grad=True")
        }
        return addSuffixes(prefix + text, suffixes, indent: indent)
    }

    /// `str(tuple(shape))`: `(3, 2)`, `(3,)`, `()`.
    static func pythonTuple(_ values: [Int]) -> String {
        values.count == 1 ? "(\(values[0]),)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
    }

    static func addSuffixes(_ text: String, _ suffixes: [String], indent: Int) -> String {
        var out = text
        let lastNewline = text.lastIndex(of: "\n").map { text.distance(from: text.startIndex, to: $0) } ?? -1
        var lastLineLength = text.count - lastNewline + 1
        for suffix in suffixes {
            if lastLineLength + suffix.count + 2 > lineWidth {
                out += ",\n" + String(repeating: " ", count: indent) + suffix
                lastLineLength = indent + suffix.count
            } else {
                out += ", " + suffix
                lastLineLength += suffix.count + 2
            }
        }
        return out + ")"
    }

    /// Values laid out as nested lists; `index` walks the logical elements.
    struct Grid {
        let shape: [Int]
        let values: [Double]
        func sub(_ i: Int) -> Grid {
            let inner = Array(shape.dropFirst())
            let n = inner.reduce(1, *)
            return Grid(shape: inner, values: Array(values[(i * n)..<((i + 1) * n)]))
        }
    }

    static func body(_ tensor: Tensor, indent: Int) -> String {
        guard let values = try? tensor.toDoubles() else { return "..." }
        let grid = Grid(shape: tensor.sizes, values: values)
        let summarize = tensor.count > threshold
        let formatter = Formatter(values: summarize ? summarized(grid).values : values, dtype: tensor.dtype)
        return format(grid, indent: indent, summarize: summarize, formatter: formatter)
    }

    static func summarized(_ grid: Grid) -> Grid {
        guard let first = grid.shape.first else { return grid }
        if grid.shape.count == 1 {
            if first > 2 * edgeItems {
                let v = Array(grid.values.prefix(edgeItems)) + Array(grid.values.suffix(edgeItems))
                return Grid(shape: [v.count], values: v)
            }
            return grid
        }
        let rows: [Int] = first > 2 * edgeItems ? Array(0..<edgeItems) + Array((first - edgeItems)..<first) : Array(0..<first)
        let parts = rows.map { summarized(grid.sub($0)) }
        return Grid(shape: [parts.count] + (parts.first?.shape ?? []), values: parts.flatMap(\.values))
    }

    static func format(_ grid: Grid, indent: Int, summarize: Bool, formatter: Formatter) -> String {
        if grid.shape.isEmpty { return formatter.format(grid.values[0]) }
        let n = grid.shape[0]
        if grid.shape.count == 1 {
            let elementLength = formatter.width + 2
            let perLine = max(1, (lineWidth - indent) / elementLength)
            var items: [String]
            if summarize && n > 2 * edgeItems {
                items = grid.values.prefix(edgeItems).map(formatter.format) + [" ..."] + grid.values.suffix(edgeItems).map(formatter.format)
            } else {
                items = grid.values.map(formatter.format)
            }
            var lines: [String] = []
            var i = 0
            while i < items.count {
                lines.append(items[i..<min(i + perLine, items.count)].joined(separator: ", "))
                i += perLine
            }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
        }
        var slices: [String]
        if summarize && n > 2 * edgeItems {
            slices = (0..<edgeItems).map { format(grid.sub($0), indent: indent + 1, summarize: summarize, formatter: formatter) }
            slices.append("...")
            slices += ((n - edgeItems)..<n).map { format(grid.sub($0), indent: indent + 1, summarize: summarize, formatter: formatter) }
        } else {
            slices = (0..<n).map { format(grid.sub($0), indent: indent + 1, summarize: summarize, formatter: formatter) }
        }
        let separator = "," + String(repeating: "\n", count: grid.shape.count - 1) + String(repeating: " ", count: indent + 1)
        return "[" + slices.joined(separator: separator) + "]"
    }

    /// torch `_Formatter`: picks int mode, fixed or scientific notation and the common width.
    struct Formatter {
        let floating: Bool
        let isBool: Bool
        var intMode = true
        var sciMode = false
        var width = 1

        init(values: [Double], dtype: DType) {
            floating = dtype.isFloatingPoint || dtype.isComplex
            isBool = dtype == .bool
            if !floating {
                for v in values { width = max(width, Formatter.plain(v, isBool: isBool).count) }
                return
            }
            let finite = values.filter { $0.isFinite && $0 != 0 }
            guard !finite.isEmpty else { return }
            let absValues = finite.map(abs)
            let minAbs = absValues.min() ?? 0, maxAbs = absValues.max() ?? 0
            intMode = finite.allSatisfy { $0 == $0.rounded(.up) }
            if intMode {
                if maxAbs / minAbs > 1000 || maxAbs > 1e8 {
                    sciMode = true
                    for v in finite { width = max(width, Formatter.sci(v).count) }
                } else {
                    for v in finite { width = max(width, String(format: "%.0f", v).count + 1) }
                }
            } else if maxAbs / minAbs > 1000 || maxAbs > 1e8 || minAbs < 1e-4 {
                sciMode = true
                for v in finite { width = max(width, Formatter.sci(v).count) }
            } else {
                for v in finite { width = max(width, String(format: "%.\(precision)f", v).count) }
            }
        }

        static func sci(_ v: Double) -> String { pythonNonFinite(v) ?? String(format: "%.\(precision)e", v) }

        static func pythonNonFinite(_ v: Double) -> String? {
            if v.isNaN { return "nan" }
            if v.isInfinite { return v > 0 ? "inf" : "-inf" }
            return nil
        }

        static func plain(_ v: Double, isBool: Bool) -> String {
            if isBool { return v != 0 ? "True" : "False" }
            return String(Int64(v))
        }

        func format(_ v: Double) -> String {
            var s: String
            if floating {
                if sciMode {
                    s = Formatter.sci(v)
                } else if intMode {
                    s = Formatter.pythonNonFinite(v) ?? (String(format: "%.0f", v) + ".")
                } else {
                    s = Formatter.pythonNonFinite(v) ?? String(format: "%.\(precision)f", v)
                }
            } else {
                s = Formatter.plain(v, isBool: isBool)
            }
            return String(repeating: " ", count: max(0, width - s.count)) + s
        }
    }
}
