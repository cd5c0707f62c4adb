/// What the weights-only unpickler produces: plain data plus the tensor and storage descriptions torch's
/// rebuild functions would have received. Nothing in it can run code.
public enum PickleValue: Sendable, Hashable {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too large for `Int` (LONG1), as little-endian two's-complement bytes.
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list([PickleValue])
    case dict(PickleDict)
    /// An allowlisted global used as a value rather than called (a dtype or storage class).
    case global(module: String, name: String)
    /// A storage reference from a persistent id (`BINPERSID`), not yet resolved to bytes.
    case storage(PickledStorage)
    /// A `torch._utils._rebuild_tensor_v2/_v3` (or `_rebuild_parameter`) call.
    case tensor(PickledTensor)
    /// An instance of a class, recorded (never created) by an object-recording unpickle.
    case object(PickledObject)
}

/// `NEWOBJ cls` + `BUILD state` as an object-recording unpickle saw it: the class by its qualified name
/// (`__main__.CustomCNN`, `torch.nn.modules.conv.Conv2d`) and the `__dict__` it would have had.
public struct PickledObject: Sendable, Hashable {
    /// Identifies the instance: every reference to one object (through the memo) has the same `id`.
    public let id: Int
    public let className: String
    /// The `BUILD` state (the instance `__dict__`), in pickle order; empty when never built.
    public let state: [PickleEntry]

    public subscript(key: String) -> PickleValue? {
        state.last { $0.key == .string(key) }?.value
    }
}

public struct PickleEntry: Sendable, Hashable {
    public let key: PickleValue
    public let value: PickleValue
}

/// A `dict` or `collections.OrderedDict`, entries in insertion order.
public struct PickleDict: Sendable, Hashable {
    public let entries: [PickleEntry]
    /// True for `collections.OrderedDict` (what `state_dict()` returns).
    public let isOrdered: Bool
    /// Attributes set by `BUILD` (an OrderedDict state dict carries `_metadata` this way).
    public let attributes: [PickleEntry]

    public subscript(key: String) -> PickleValue? {
        entries.last { $0.key == .string(key) }?.value
    }
}

/// `('storage', <StorageType>, key, location, numel)` as `torch.save` writes it.
public struct PickledStorage: Sendable, Hashable {
    public let key: String
    /// Element type of the storage; `u8` for `torch.UntypedStorage`.
    public let dtype: StorageDType
    public let elementCount: Int
    public let location: String

    public var byteCount: Int { elementCount * dtype.elementSize }
}

/// The arguments of a tensor rebuild call.
public struct PickledTensor: Sendable, Hashable {
    public let storage: PickledStorage
    /// The tensor's dtype (the storage's for `_rebuild_tensor_v2`, explicit for `_v3`).
    public let dtype: StorageDType
    /// In elements of `dtype`.
    public let storageOffset: Int
    public let shape: [Int]
    public let strides: [Int]
    public let requiresGrad: Bool
    /// Wrapped in `torch.nn.Parameter` (`_rebuild_parameter`).
    public let isParameter: Bool
}
