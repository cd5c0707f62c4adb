import Checkpoints
import Foundation

/// A JSON value that keeps object keys in the order given, so exported rows read like the goldens and
/// like PyTorch's own field order.
public indirect enum JSONText {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONText])
    case object([(String, JSONText)])

    public var rendered: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            if d.isNaN { return "\"NaN\"" }
            if d.isInfinite { return d > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
            return "\(d)"
        case .string(let s): return JSONText.quote(s)
        case .array(let items): return "[" + items.map(\.rendered).joined(separator: ",") + "]"
        case .object(let fields):
            return "{" + fields.map { JSONText.quote($0.0) + ":" + $0.1.rendered }.joined(separator: ",") + "}"
        }
    }

    public static func quote(_ s: String) -> String { JSONString.quoted(s) }
}
