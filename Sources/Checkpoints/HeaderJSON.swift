/// A small JSON reader for safetensors headers that reports problems the way `serde_json` does
/// ("expected ident at line 1 column 2"), because the goldens record the Rust crate's messages and users
/// compare them with what Python prints. Foundation's JSON parser neither keeps duplicate keys in order
/// (safetensors lets the last one win) nor reports serde's wording.
struct HeaderJSON {
    /// A parsed value and the byte index just after it, where serde would report a type error.
    struct Node {
        var value: Value
        var start: Int
        var end: Int
    }

    enum Value {
        case null
        case bool(Bool)
        case unsigned(UInt64)
        case signed(Int64)
        case float(Double)
        case string(String)
        case array([Node])
        /// Members in file order, duplicates kept.
        case object([(key: String, node: Node)])

        /// serde's `Unexpected` wording, for "invalid type: ..., expected ..." messages.
        var unexpected: String {
            switch self {
            case .null: "unit value"
            case .bool(let value): "boolean `\(value)`"
            case .unsigned(let value): "integer `\(value)`"
            case .signed(let value): "integer `\(value)`"
            case .float(let value): "floating point `\(value)`"
            case .string(let value): "string \"\(value)\""
            case .array: "sequence"
            case .object: "map"
            }
        }
    }

    /// A syntax or type error: serde's message and the byte index it is reported at.
    struct Failure: Error {
        var message: String
        var index: Int
    }

    /// serde_json's default nesting limit.
    static let maxDepth = 128

    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    private init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Parses one JSON document filling `bytes` (trailing whitespace allowed).
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> Node {
        var parser = HeaderJSON(bytes)
        parser.skipWhitespace()
        let node = try parser.value(depth: 0)
        parser.skipWhitespace()
        if parser.index < bytes.count {
            parser.index += 1
            throw parser.failure("trailing characters")
        }
        return node
    }

    /// "line L column C" for a byte index, counting like serde_json (column = bytes consumed on the line).
    static func position(of index: Int, in bytes: UnsafeRawBufferPointer) -> String {
        var line = 1
        var column = 0
        for byte in bytes.prefix(max(0, min(index, bytes.count))) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 0
            } else {
                column += 1
            }
        }
        return "line \(line) column \(column)"
    }

    private func failure(_ message: String) -> Failure { Failure(message: message, index: index) }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func value(depth: Int) throws(Failure) -> Node {
        guard let byte = peek else { throw failure("EOF while parsing a value") }
        let start = index
        let value: Value
        switch byte {
        case UInt8(ascii: "n"): try ident("null"); value = .null
        case UInt8(ascii: "t"): try ident("true"); value = .bool(true)
        case UInt8(ascii: "f"): try ident("false"); value = .bool(false)
        case UInt8(ascii: "\""): value = .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): value = try number()
        case UInt8(ascii: "["):
            guard depth < Self.maxDepth else { index += 1; throw failure("recursion limit exceeded") }
            value = .array(try array(depth: depth + 1))
        case UInt8(ascii: "{"):
            guard depth < Self.maxDepth else { index += 1; throw failure("recursion limit exceeded") }
            value = .object(try object(depth: depth + 1))
        default:
            index += 1
            throw failure("expected value")
        }
        return Node(value: value, start: start, end: index)
    }

    private mutating func ident(_ word: StaticString) throws(Failure) {
        index += 1
        let expected = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for expectedByte in expected.dropFirst() {
            guard let byte = peek else { throw failure("EOF while parsing a value") }
            index += 1
            guard byte == expectedByte else { throw failure("expected ident") }
        }
    }

    private mutating func number() throws(Failure) -> Value {
        let start = index
        let negative = peek == UInt8(ascii: "-")
        if negative { index += 1 }
        func digits(_ parser: inout HeaderJSON) -> Int {
            let from = parser.index
            while let byte = parser.peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { parser.index += 1 }
            return parser.index - from
        }
        guard let first = peek, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            index += 1
            throw failure("invalid number")
        }
        let integerDigits = digits(&self)
        if first == UInt8(ascii: "0"), integerDigits > 1 { throw failure("invalid number") }
        var isFloat = false
        if peek == UInt8(ascii: ".") {
            index += 1
            isFloat = true
            guard digits(&self) > 0 else { index += 1; throw failure("invalid number") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            isFloat = true
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard digits(&self) > 0 else { index += 1; throw failure("invalid number") }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if !isFloat {
            if negative, let value = Int64(text) { return value == 0 ? .unsigned(0) : .signed(value) }
            if !negative, let value = UInt64(text) { return .unsigned(value) }
        }
        guard let value = Double(text), value.isFinite else { throw failure("number out of range") }
        return .float(value)
    }

    private mutating func string() throws(Failure) -> String {
        index += 1
        var utf8: [UInt8] = []
        while true {
            guard let byte = peek else { throw failure("EOF while parsing a string") }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escape = peek else { throw failure("EOF while parsing a string") }
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"): utf8.append(contentsOf: try unicodeEscape())
                default: throw failure("invalid escape")
                }
            case 0x00..<0x20:
                throw failure("control character (\\u0000-\\u001F) found while parsing a string")
            default:
                utf8.append(byte)
            }
        }
    }

    /// The UTF-8 bytes of a `\uXXXX` escape (after the `u`), joining surrogate pairs.
    private mutating func unicodeEscape() throws(Failure) -> [UInt8] {
        let high = try hex4()
        var scalarValue = UInt32(high)
        if (0xD800..<0xDC00).contains(high) {
            guard peek == UInt8(ascii: "\\") else { throw failure("lone leading surrogate in hex escape") }
            index += 1
            guard peek == UInt8(ascii: "u") else { throw failure("unexpected end of hex escape") }
            index += 1
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw failure("lone leading surrogate in hex escape") }
            scalarValue = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw failure("invalid unicode code point") }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func hex4() throws(Failure) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = peek else { throw failure("EOF while parsing a string") }
            index += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid escape")
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    private mutating func array(depth: Int) throws(Failure) -> [Node] {
        index += 1
        var items: [Node] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") { index += 1; return items }
        while true {
            skipWhitespace()
            items.append(try value(depth: depth))
            skipWhitespace()
            guard let byte = peek else { throw failure("EOF while parsing a list") }
            index += 1
            if byte == UInt8(ascii: "]") { return items }
            guard byte == UInt8(ascii: ",") else { throw failure("expected `,` or `]`") }
            skipWhitespace()
            if peek == UInt8(ascii: "]") { index += 1; throw failure("trailing comma") }
        }
    }

    private mutating func object(depth: Int) throws(Failure) -> [(key: String, node: Node)] {
        index += 1
        var members: [(key: String, node: Node)] = []
        skipWhitespace()
        if peek == UInt8(ascii: "}") { index += 1; return members }
        while true {
            skipWhitespace()
            guard let byte = peek else { throw failure("EOF while parsing an object") }
            guard byte == UInt8(ascii: "\"") else { index += 1; throw failure("key must be a string") }
            let key = try string()
            skipWhitespace()
            guard let colon = peek else { throw failure("EOF while parsing an object") }
            index += 1
            guard colon == UInt8(ascii: ":") else { throw failure("expected `:`") }
            skipWhitespace()
            members.append((key, try value(depth: depth)))
            skipWhitespace()
            guard let separator = peek else { throw failure("EOF while parsing an object") }
            index += 1
            if separator == UInt8(ascii: "}") { return members }
            guard separator == UInt8(ascii: ",") else { throw failure("expected `,` or `}`") }
            skipWhitespace()
            if peek == UInt8(ascii: "}") { index += 1; throw failure("trailing comma") }
        }
    }
}
