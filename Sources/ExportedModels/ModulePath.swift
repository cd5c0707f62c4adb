import NNModules

/// Creating modules by dotted name (`blocks.0.conv`) in a tree whose intermediate containers may not be
/// recorded by the file: they appear as `RecordedModule`s without a class.
enum ModulePath {
    /// The module at `path` under `root`, creating the missing ones with `make(path)`.
    static func module(_ path: String, in root: Module, make: (String) -> Module) throws -> Module {
        guard !path.isEmpty else { return root }
        var current = root
        var prefix = ""
        for name in path.split(separator: ".").map(String.init) {
            prefix = prefix.isEmpty ? name : "\(prefix).\(name)"
            if let existing = current.child(name) {
                current = existing
            } else {
                let created = make(prefix)
                try current.addModule(name, created)
                current = created
            }
        }
        return current
    }

    /// `("blocks.0.conv", "weight")` for `blocks.0.conv.weight`.
    static func split(_ qualified: String) -> (owner: String, name: String) {
        guard let dot = qualified.lastIndex(of: ".") else { return ("", qualified) }
        return (String(qualified[..<dot]), String(qualified[qualified.index(after: dot)...]))
    }
}
