import OrderedCollections

/// torch's state dict: an ordered mapping from dotted keys to tensors (or extra state), plus the
/// optional `_metadata` (a version per module prefix) that `load_state_dict` consults.
public struct StateDict: Sequence, CustomStringConvertible {
    public var entries: OrderedDictionary<String, Value>
    /// torch: `state_dict._metadata`; `nil` for a plain dict built by hand.
    public var metadata: OrderedDictionary<String, [String: Value]>?

    public init(_ entries: OrderedDictionary<String, Value> = [:], metadata: OrderedDictionary<String, [String: Value]>? = nil) {
        self.entries = entries
        self.metadata = metadata
    }

    public init(tensors: [(String, Tensor)]) {
        self.init(OrderedDictionary(uniqueKeysWithValues: tensors.map { ($0.0, Value.tensor($0.1)) }))
    }

    public var keys: [String] { Array(entries.keys) }
    public var count: Int { entries.count }

    public subscript(key: String) -> Value? {
        get { entries[key] }
        set { entries[key] = newValue }
    }

    public func tensor(_ key: String) -> Tensor? { entries[key]?.tensor }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> Value? { entries.removeValue(forKey: key) }

    public func makeIterator() -> OrderedDictionary<String, Value>.Iterator { entries.makeIterator() }

    /// The Python class `state_dict()` returns (`type(sd).__name__`).
    public var typeName: String { "OrderedDict" }

    /// `repr(OrderedDict(...))`.
    public var description: String {
        typeName + "([" + entries.map { "(\(pythonStringRepr($0.key)), \($0.value))" }.joined(separator: ", ") + "])"
    }
}

extension Module {
    /// torch: `state_dict(*, prefix='', keep_vars=False)`. Own parameters, then own persistent buffers,
    /// then extra state, then children recursively; without `keepVars` the tensors are detached views.
    public func stateDict(prefix: String = "", keepVars: Bool = false) throws -> StateDict {
        var destination = StateDict(metadata: [:])
        try stateDict(into: &destination, prefix: prefix, keepVars: keepVars)
        return destination
    }

    /// torch: `state_dict(destination=..., prefix=..., keep_vars=...)`.
    public func stateDict(into destination: inout StateDict, prefix: String = "", keepVars: Bool = false) throws {
        let localMetadata: [String: Value] = ["version": .int(Swift.type(of: self).version)]
        if destination.metadata != nil {
            destination.metadata?[String(prefix.dropLast())] = localMetadata
        }
        for hook in hooks.stateDictPre.values { try hook(self, prefix, keepVars) }
        saveToStateDict(&destination, prefix: prefix, keepVars: keepVars)
        for (name, module) in _modules {
            guard let module else { continue }
            try module.stateDict(into: &destination, prefix: prefix + name + ".", keepVars: keepVars)
        }
        for hook in hooks.stateDictPost.values { try hook(self, &destination, prefix, localMetadata) }
    }

    /// torch: `_save_to_state_dict`.
    func saveToStateDict(_ destination: inout StateDict, prefix: String, keepVars: Bool) {
        for (name, param) in _parameters {
            guard let param else { continue }
            destination[prefix + name] = .tensor(keepVars || param.isLazy ? param : param.detach())
        }
        for (name, buffer) in _buffers {
            guard let buffer, !_nonPersistentBuffersSet.contains(name) else { continue }
            destination[prefix + name] = .tensor(keepVars || buffer.isLazy ? buffer : buffer.detach())
        }
        if let extra = getExtraState() {
            destination[prefix + Module.extraStateKeySuffix] = extra
        }
    }

    static let extraStateKeySuffix = "_extra_state"
}
