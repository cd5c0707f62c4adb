/// JSON string literals written the way serde_json writes them (only `"`, `\` and control characters are
/// escaped), so headers nntop writes are byte-identical to Python's safetensors and exports read naturally.
public enum JSONString {
    /// A JSON string literal escaped like serde_json (only `"`, `\` and control characters).
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{00}"..."\u{1F}": result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
