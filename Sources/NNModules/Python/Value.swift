import OrderedCollections

/// Keyword arguments of a module call, in call order.
public typealias Kwargs = OrderedDictionary<String, Value>

/// A Python value as it crosses `Module.__call__`, hooks, `extra_state` and plain attributes: modules take
/// and return tuples, dicts (model outputs) and scalars, not only tensors.
public indirect enum Value: CustomStringConvertible {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case tensor(Tensor)
    case module(Module)
    case tuple([Value])
    case list([Value])
    case dict(OrderedDictionary<String, Value>)

    public var tensor: Tensor? {
        if case .tensor(let t) = self { return t }
        return nil
    }

    public var isNone: Bool {
        if case .none = self { return true }
        return false
    }

    /// torch.typename(value): `torch.FloatTensor` for tensors, the Python class name otherwise.
    public var typeName: String {
        switch self {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .tensor(let t): return t.dtype.legacyTypeName
        case .module(let m): return m.typeName
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        }
    }

    /// Python's `repr()`.
    public var description: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return pythonFloat(d)
        case .string(let s): return pythonStringRepr(s)
        case .tensor(let t): return t.description
        case .module(let m): return m.description
        case .tuple(let items):
            return items.count == 1 ? "(\(items[0]),)" : "(" + items.map(\.description).joined(separator: ", ") + ")"
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .dict(let d):
            return "{" + d.map { "\(pythonStringRepr($0.key)): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }

    /// Every tensor inside, depth first, with PyTorch-style paths (`""`, `"0"`, `"1.0"`, `"logits"`).
    public func flattenedTensors(path: String = "") -> [(path: String, tensor: Tensor)] {
        func join(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
        switch self {
        case .tensor(let t): return [(path, t)]
        case .tuple(let items), .list(let items):
            return items.enumerated().flatMap { $0.element.flattenedTensors(path: join(String($0.offset))) }
        case .dict(let d):
            return d.flatMap { $0.value.flattenedTensors(path: join($0.key)) }
        default: return []
        }
    }
}

/// Python `repr(float)`: shortest round-trip digits, always with a decimal point or exponent.
public func pythonFloat(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d > 0 ? "inf" : "-inf" }
    var s = "\(d)"
    if let e = s.firstIndex(of: "e") {
        // Swift prints 1e-05 like Python; make sure the exponent has at least two digits and a sign.
        let mantissa = s[..<e]
        var exponent = String(s[s.index(after: e)...])
        var sign = "+"
        if exponent.hasPrefix("-") { sign = "-"; exponent.removeFirst() } else if exponent.hasPrefix("+") { exponent.removeFirst() }
        if exponent.count < 2 { exponent = "0" + exponent }
        s = mantissa + "e" + sign + exponent
    }
    return s
}

/// Python `repr(str)`: single quotes unless the text contains one and no double quote.
public func pythonStringRepr(_ s: String) -> String {
    let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
    var out = String(quote)
    for ch in s {
        switch ch {
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case quote: out += "\\" + String(ch)
        default: out.append(ch)
        }
    }
    out.append(quote)
    return out
}
