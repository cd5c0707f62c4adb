/// The filter's name regex, prepared so a keystroke on a 100,000-module tree answers at once. Swift `Regex`
/// takes microseconds per name, so the regex only sees names that contain a literal every match needs:
/// a pattern that is all literal (`blocks\.3`, as one types) is a byte search outright, and otherwise the
/// longest run of literal characters that no quantifier makes optional (`layers\.` in `layers\.\d+\.attn`)
/// is searched first. Both are exact: a name without the literal cannot match.
struct NameRegex {
    private enum Matcher {
        case literal(bytes: [UInt8], anchoredStart: Bool, anchoredEnd: Bool)
        case regex(Regex<AnyRegexOutput>, required: [UInt8])
    }

    private let matcher: Matcher

    /// Matches every name (the empty literal).
    static func everything() -> NameRegex { NameRegex(matcher: .literal(bytes: [], anchoredStart: false, anchoredEnd: false)) }

    private init(matcher: Matcher) { self.matcher = matcher }

    /// `nil` when `pattern` is not a valid regex (the filter is then off and says so).
    init?(_ pattern: String) {
        guard let regex = try? Regex(pattern) else { return nil }
        if let literal = Self.pureLiteral(pattern) {
            matcher = .literal(bytes: literal.bytes, anchoredStart: literal.start, anchoredEnd: literal.end)
        } else {
            matcher = .regex(regex, required: Self.requiredLiteral(pattern))
        }
    }

    func matches(_ name: String) -> Bool {
        switch matcher {
        case .literal(let bytes, let start, let end):
            var name = name
            return name.withUTF8 { Self.find(bytes, in: $0, anchoredStart: start, anchoredEnd: end) }
        case .regex(let regex, let required):
            if !required.isEmpty {
                var name = name
                guard name.withUTF8({ Self.find(required, in: $0, anchoredStart: false, anchoredEnd: false) }) else { return false }
            }
            return name.contains(regex)
        }
    }

    private static let metacharacters = Set("\\.^$*+?()[]{}|".utf8)

    /// The bytes a pattern made only of literal ASCII characters (punctuation may be escaped), optionally
    /// between `^` and `$`, stands for.
    static func pureLiteral(_ pattern: String) -> (bytes: [UInt8], start: Bool, end: Bool)? {
        var chars = Array(pattern.utf8)
        var start = false, end = false
        if chars.first == UInt8(ascii: "^") { start = true; chars.removeFirst() }
        if chars.last == UInt8(ascii: "$"), !(chars.count >= 2 && chars[chars.count - 2] == UInt8(ascii: "\\")) {
            end = true
            chars.removeLast()
        }
        var bytes: [UInt8] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            guard c < 0x80 else { return nil }
            if c == UInt8(ascii: "\\") {
                guard i + 1 < chars.count, isEscapedLiteral(chars[i + 1]) else { return nil }
                bytes.append(chars[i + 1])
                i += 2
            } else {
                guard !metacharacters.contains(c) else { return nil }
                bytes.append(c)
                i += 1
            }
        }
        return (bytes, start, end)
    }

    /// The longest run of consecutive literal ASCII characters at the top level of `pattern` that every
    /// match contains; empty when there is none or the pattern has alternation or inline options.
    static func requiredLiteral(_ pattern: String) -> [UInt8] {
        let chars = Array(pattern.utf8)
        guard !chars.contains(UInt8(ascii: "|")), !pattern.contains("(?") else { return [] }
        var best: [UInt8] = [], run: [UInt8] = []
        func breakRun() {
            if run.count > best.count { best = run }
            run = []
        }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            var literal: UInt8?
            switch c {
            case UInt8(ascii: "\\"):
                if i + 1 < chars.count, isEscapedLiteral(chars[i + 1]) { literal = chars[i + 1] }
                i += 2
            case UInt8(ascii: "["):
                i = skipClass(chars, from: i)
            case UInt8(ascii: "("):
                i = skipGroup(chars, from: i)
            case UInt8(ascii: "{"):
                while i < chars.count && chars[i] != UInt8(ascii: "}") { i += 1 }
                i += 1
            default:
                if c < 0x80 && !metacharacters.contains(c) { literal = c }
                i += 1
            }
            // A quantifier after the atom: `?`, `*`, `{` make it optional; `+` keeps one but ends the run.
            let next = i < chars.count ? chars[i] : nil
            if let literal {
                switch next {
                case UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "{"):
                    breakRun()
                case UInt8(ascii: "+"):
                    run.append(literal)
                    breakRun()
                default:
                    run.append(literal)
                }
            } else {
                breakRun()
            }
            if let next, next == UInt8(ascii: "?") || next == UInt8(ascii: "*") || next == UInt8(ascii: "+") {
                i += 1
                if i < chars.count, chars[i] == UInt8(ascii: "?") || chars[i] == UInt8(ascii: "+") { i += 1 }
            }
        }
        breakRun()
        return best
    }

    /// `\.` stands for `.`; `\d`, `\b`, `\1` stand for classes, anchors and references.
    private static func isEscapedLiteral(_ c: UInt8) -> Bool {
        c < 0x80 && !(c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) && !(c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z"))
            && !(c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) && c != UInt8(ascii: " ")
    }

    private static func skipClass(_ chars: [UInt8], from start: Int) -> Int {
        var i = start + 1
        if i < chars.count, chars[i] == UInt8(ascii: "^") { i += 1 }
        if i < chars.count, chars[i] == UInt8(ascii: "]") { i += 1 }
        var depth = 1
        while i < chars.count && depth > 0 {
            switch chars[i] {
            case UInt8(ascii: "\\"): i += 1
            case UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "]"): depth -= 1
            default: break
            }
            i += 1
        }
        return i
    }

    private static func skipGroup(_ chars: [UInt8], from start: Int) -> Int {
        var i = start + 1, depth = 1
        while i < chars.count && depth > 0 {
            switch chars[i] {
            case UInt8(ascii: "\\"): i += 1
            case UInt8(ascii: "["): i = skipClass(chars, from: i) - 1
            case UInt8(ascii: "("): depth += 1
            case UInt8(ascii: ")"): depth -= 1
            default: break
            }
            i += 1
        }
        return i
    }

    private static func find(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>, anchoredStart: Bool, anchoredEnd: Bool) -> Bool {
        let n = needle.count, h = haystack.count
        guard n <= h else { return false }
        if anchoredStart && anchoredEnd { return n == h && haystack.elementsEqual(needle) }
        if anchoredStart { return haystack.prefix(n).elementsEqual(needle) }
        if anchoredEnd { return haystack.suffix(n).elementsEqual(needle) }
        return SearchText.contains(needle, in: haystack)
    }
}
