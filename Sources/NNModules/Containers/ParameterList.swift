/// torch.nn.ParameterList: tensors appended to it become Parameters registered under `"0"`, `"1"`...;
/// other objects are kept as plain attributes, as in PyTorch.
public final class ParameterList: Module {
    public private(set) var count = 0

    public init(_ values: [Value] = []) throws {
        super.init()
        for v in values { try append(v) }
    }

    public convenience init(_ tensors: [Tensor]) throws {
        try self.init(tensors.map { .tensor($0) })
    }

    private func absoluteIndex(_ idx: Int) throws -> Int {
        guard idx >= -count, idx < count else { throw TorchError.indexError("index \(idx) is out of range") }
        return idx < 0 ? idx + count : idx
    }

    public subscript(idx: Int) -> Value {
        get throws { try getAttribute(String(try absoluteIndex(idx))) }
    }

    /// torch: `pl[idx] = value` — plain tensors are wrapped in a Parameter.
    public func set(_ idx: Int, _ value: Value) throws {
        try store(String(try absoluteIndex(idx)), value)
    }

    private func store(_ key: String, _ value: Value) throws {
        if case .tensor(let t) = value, !(t is Parameter) {
            try setAttribute(key, .tensor(Parameter(t)))
        } else {
            try setAttribute(key, value)
        }
    }

    @discardableResult
    public func append(_ value: Value) throws -> Self {
        count += 1
        try store(String(count - 1), value)
        return self
    }

    @discardableResult
    public func append(_ tensor: Tensor) throws -> Self { try append(.tensor(tensor)) }

    @discardableResult
    public func extend(_ values: [Value]) throws -> Self {
        for v in values { try append(v) }
        return self
    }

    override public func extraRepr() -> String {
        (0..<count).map { k in
            let item = (try? getAttribute(String(k))) ?? .none
            return "  (\(k)): " + containerLine(item, typeText: { $0.dtype.torchName })
        }.joined(separator: "\n")
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        throw TorchError.runtimeError("ParameterList should not be called.")
    }
}

/// `Parameter containing: [torch.float32 of size 2x3]` / `Object of type: str`, the per-item line of
/// ParameterList and ParameterDict reprs (they differ only in how the dtype is named).
func containerLine(_ item: Value, typeText: (Tensor) -> String) -> String {
    guard case .tensor(let t) = item else { return "Object of type: " + item.typeName }
    let kind = t is Parameter ? "Parameter" : "Tensor"
    let size = t.sizes.map(String.init).joined(separator: "x")
    return "\(kind) containing: [\(typeText(t)) of size \(size)]"
}
