/// `Module.__repr__`: the class name, `extra_repr()` lines, then `(name): child` lines indented with
/// PyTorch's `_addindent` rule (continuation lines of a child get two more spaces).
extension Module {
    func defaultRepr() -> String {
        let extra = extraRepr()
        let extraLines = extra.isEmpty ? [] : extra.components(separatedBy: "\n")
        var childLines: [String] = []
        for (key, module) in _modules {
            let text = module?.repr() ?? "None"
            childLines.append("(" + key + "): " + addIndent(text, 2))
        }
        let lines = extraLines + childLines
        var main = typeName + "("
        if !lines.isEmpty {
            if extraLines.count == 1 && childLines.isEmpty {
                main += extraLines[0]
            } else {
                main += "\n  " + lines.joined(separator: "\n  ") + "\n"
            }
        }
        return main + ")"
    }
}

/// torch.nn.modules.module._addindent.
public func addIndent(_ text: String, _ spaces: Int) -> String {
    let lines = text.components(separatedBy: "\n")
    if lines.count == 1 { return text }
    let pad = String(repeating: " ", count: spaces)
    return lines[0] + "\n" + lines.dropFirst().map { pad + $0 }.joined(separator: "\n")
}

/// Python's repr of a tuple of ints, as layers print `kernel_size=(3, 3)` and `(64,)`.
public func pythonTuple(_ values: [Int]) -> String {
    values.count == 1 ? "(\(values[0]),)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
}

/// Python's repr of a bool.
public func pythonBool(_ b: Bool) -> String { b ? "True" : "False" }
