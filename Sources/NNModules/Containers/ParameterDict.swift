import OrderedCollections

/// torch.nn.ParameterDict: tensors stored under string keys become Parameters; insertion order is kept.
public final class ParameterDict: Module {
    public private(set) var keys: [String] = []

    public init(_ values: [(String, Value)] = []) throws {
        super.init()
        for (k, v) in values { try set(k, v) }
    }

    public convenience init(tensors: [(String, Tensor)]) throws {
        try self.init(tensors.map { ($0.0, .tensor($0.1)) })
    }

    public var count: Int { keys.count }

    public subscript(key: String) -> Value {
        get throws {
            guard keys.contains(key) else { throw TorchError.keyError(key) }
            return try getAttribute(key)
        }
    }

    /// torch: `pd[key] = value`.
    public func set(_ key: String, _ value: Value) throws {
        if !keys.contains(key) { keys.append(key) }
        if case .tensor(let t) = value, !(t is Parameter) {
            try setAttribute(key, .tensor(Parameter(t)))
        } else {
            try setAttribute(key, value)
        }
    }

    /// torch: `pop(key)`.
    @discardableResult
    public func pop(_ key: String) throws -> Value {
        let value = try self[key]
        keys.removeAll { $0 == key }
        try deleteAttribute(key)
        return value
    }

    override public func extraRepr() -> String {
        keys.map { k in
            let item = (try? getAttribute(k)) ?? .none
            return "  (\(k)): " + containerLine(item, typeText: { $0.dtype.legacyTypeName })
        }.joined(separator: "\n")
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        throw TorchError.runtimeError("ParameterDict should not be called.")
    }
}
