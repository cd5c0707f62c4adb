/// torch.nn.ModuleDict: children by key, in insertion order; re-setting a key keeps its position.
public final class ModuleDict: Module {
    public init(_ modules: [(String, Module)] = []) throws {
        super.init()
        try update(modules)
    }

    public var count: Int { _modules.count }
    public var keys: [String] { Array(_modules.keys) }
    public var values: [Module] { _modules.values.compactMap { $0 } }
    public func contains(_ key: String) -> Bool { _modules.index(forKey: key) != nil }

    public subscript(key: String) -> Module? {
        get throws {
            guard let slot = _modules[key] else { throw TorchError.keyError(key) }
            return slot
        }
    }

    /// torch: `md[key] = module`.
    public func set(_ key: String, _ module: Module) throws { try addModule(key, module) }

    /// torch: `update(pairs)`.
    public func update(_ modules: [(String, Module)]) throws {
        for (key, m) in modules { try set(key, m) }
    }

    /// torch: `update(iterable)` with Python values: each element must be a (key, module) pair.
    public func update(_ value: Value) throws {
        switch value {
        case .dict(let d):
            for (k, v) in d {
                guard case .module(let m) = v else { throw TorchError.typeError("\(v.typeName) is not a Module subclass") }
                try set(k, m)
            }
        case .list(let items), .tuple(let items):
            for (i, item) in items.enumerated() {
                let pair: [Value]
                switch item {
                case .tuple(let p), .list(let p): pair = p
                default:
                    throw TorchError.typeError("ModuleDict update sequence element #\(i) should be Iterable; is\(item.typeName)")
                }
                guard pair.count == 2 else {
                    throw TorchError.valueError("ModuleDict update sequence element #\(i) has length \(pair.count); 2 is required")
                }
                guard case .string(let key) = pair[0], case .module(let m) = pair[1] else {
                    throw TorchError.typeError("ModuleDict update sequence element #\(i) must be a (str, Module) pair")
                }
                try set(key, m)
            }
        default:
            throw TorchError.typeError("ModuleDict.update should be called with an iterable of key/value pairs, but got \(value.typeName)")
        }
    }

    /// torch: `pop(key)`.
    @discardableResult
    public func pop(_ key: String) throws -> Module? {
        guard let slot = _modules.removeValue(forKey: key) else { throw TorchError.keyError(key) }
        return slot
    }
}
