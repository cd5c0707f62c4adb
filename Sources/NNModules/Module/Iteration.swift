/// Traversal in PyTorch's order: depth-first pre-order, children in registration order, `nil` slots
/// skipped, duplicates (by object identity) removed unless asked otherwise.
extension Module {
    /// torch: `named_modules(memo=None, prefix='', remove_duplicate=True)`.
    public func namedModules(prefix: String = "", removeDuplicate: Bool = true) -> [(name: String, module: Module)] {
        var memo = Set<ObjectIdentifier>()
        return namedModules(memo: &memo, prefix: prefix, removeDuplicate: removeDuplicate)
    }

    /// torch: `named_modules(memo=...)`: modules already in `memo` (and their subtrees) are skipped and
    /// `memo` is updated in place.
    public func namedModules(memo: inout Set<ObjectIdentifier>, prefix: String = "",
                             removeDuplicate: Bool = true) -> [(name: String, module: Module)] {
        var result: [(name: String, module: Module)] = []
        collectModules(into: &result, memo: &memo, prefix: prefix, removeDuplicate: removeDuplicate)
        return result
    }

    private func collectModules(into result: inout [(name: String, module: Module)], memo: inout Set<ObjectIdentifier>,
                                prefix: String, removeDuplicate: Bool) {
        let id = ObjectIdentifier(self)
        if memo.contains(id) { return }
        if removeDuplicate { memo.insert(id) }
        result.append((prefix, self))
        for (name, module) in _modules {
            guard let module else { continue }
            module.collectModules(into: &result, memo: &memo, prefix: prefix.isEmpty ? name : prefix + "." + name,
                                  removeDuplicate: removeDuplicate)
        }
    }

    /// torch: `modules()`.
    public func modules() -> [Module] { namedModules().map(\.module) }

    /// torch: `named_children()` — direct children, each object once.
    public func namedChildren() -> [(name: String, module: Module)] {
        var memo = Set<ObjectIdentifier>()
        var result: [(name: String, module: Module)] = []
        for (name, module) in _modules {
            guard let module, memo.insert(ObjectIdentifier(module)).inserted else { continue }
            result.append((name, module))
        }
        return result
    }

    /// torch: `children()`.
    public func children() -> [Module] { namedChildren().map(\.module) }

    /// torch: `_named_members`, shared by parameters and buffers.
    private func namedMembers<T: Tensor>(prefix: String, recurse: Bool, removeDuplicate: Bool,
                                         members: (Module) -> [(String, T?)]) -> [(name: String, tensor: T)] {
        var memo = Set<ObjectIdentifier>()
        let modules = recurse ? namedModules(prefix: prefix, removeDuplicate: removeDuplicate) : [(prefix, self)]
        var result: [(name: String, tensor: T)] = []
        for (modulePrefix, module) in modules {
            for (key, value) in members(module) {
                guard let value, !memo.contains(ObjectIdentifier(value)) else { continue }
                if removeDuplicate { memo.insert(ObjectIdentifier(value)) }
                result.append((modulePrefix.isEmpty ? key : modulePrefix + "." + key, value))
            }
        }
        return result
    }

    /// torch: `named_parameters(prefix='', recurse=True, remove_duplicate=True)`.
    public func namedParameters(prefix: String = "", recurse: Bool = true,
                                removeDuplicate: Bool = true) -> [(name: String, parameter: Parameter)] {
        namedMembers(prefix: prefix, recurse: recurse, removeDuplicate: removeDuplicate) {
            $0._parameters.map { ($0.key, $0.value) }
        }.map { ($0.name, $0.tensor) }
    }

    /// torch: `parameters(recurse=True)`.
    public func parameters(recurse: Bool = true) -> [Parameter] {
        namedParameters(recurse: recurse).map(\.parameter)
    }

    /// torch: `named_buffers(prefix='', recurse=True, remove_duplicate=True)`.
    public func namedBuffers(prefix: String = "", recurse: Bool = true,
                             removeDuplicate: Bool = true) -> [(name: String, buffer: Tensor)] {
        namedMembers(prefix: prefix, recurse: recurse, removeDuplicate: removeDuplicate) {
            $0._buffers.map { ($0.key, $0.value) }
        }.map { ($0.name, $0.tensor) }
    }

    /// torch: `buffers(recurse=True)`.
    public func buffers(recurse: Bool = true) -> [Tensor] { namedBuffers(recurse: recurse).map(\.buffer) }

    // MARK: - Path lookup (torch: get_submodule, set_submodule, get_parameter, get_buffer)

    /// torch: `get_submodule(target)`; `""` is self, list indices are path atoms.
    public func getSubmodule(_ target: String) throws -> Module {
        if target.isEmpty { return self }
        var module: Module = self
        for item in target.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
            guard module.hasAttribute(item) else {
                throw TorchError.attributeError("\(module.typeName) has no attribute `\(item)`")
            }
            guard let slot = module._modules[item], let next = slot else {
                throw TorchError.attributeError("`\(item)` is not an nn.Module")
            }
            module = next
        }
        return module
    }

    /// torch: `set_submodule(target, module, strict=False)`: a missing final attribute is created unless
    /// `strict`; an existing one must be a module.
    public func setSubmodule(_ target: String, _ module: Module, strict: Bool = false) throws {
        guard !target.isEmpty else { throw TorchError.valueError("Cannot set the submodule without a target name!") }
        let (parent, last) = try splitTarget(target)
        if strict && !parent.hasAttribute(last) {
            throw TorchError.attributeError("\(parent.typeName) has no attribute `\(last)`")
        }
        if parent.hasAttribute(last), case .some(let slot) = try? parent.getAttribute(last) {
            if case .module = slot {} else { throw TorchError.attributeError("`\(last)` is not an nn.Module") }
        }
        try parent.setAttribute(last, .module(module))
    }

    private func splitTarget(_ target: String) throws -> (Module, String) {
        var atoms = target.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let name = atoms.removeLast()
        return (try getSubmodule(atoms.joined(separator: ".")), name)
    }

    /// The member `target` names through `slot`, with PyTorch's two errors (missing attribute, wrong kind).
    private func member<T>(_ target: String, kind: String, _ slot: (Module, String) -> T?) throws -> T {
        let (module, name) = try splitTarget(target)
        guard module.hasAttribute(name) else {
            throw TorchError.attributeError("\(module.typeName) has no attribute `\(name)`")
        }
        guard let value = slot(module, name) else { throw TorchError.attributeError("`\(name)` is not \(kind)") }
        return value
    }

    /// torch: `get_parameter(target)`.
    public func getParameter(_ target: String) throws -> Parameter {
        try member(target, kind: "an nn.Parameter") { $0._parameters[$1] ?? nil }
    }

    /// torch: `get_buffer(target)`.
    public func getBuffer(_ target: String) throws -> Tensor {
        try member(target, kind: "a buffer") { $0._buffers[$1] ?? nil }
    }
}
