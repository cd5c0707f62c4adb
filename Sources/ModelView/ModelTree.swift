/// What a model *is*, as every view shows it: modules in `named_modules()` order and each parameter tensor
/// once. Built from a Swift `Module`, a `.pt2` archive, a session file or a live PyTorch process; the JSON
/// of docs/schema.md. Counts and other figures are derived (`ModelIndex`), never stored, so they cannot
/// disagree between views.
public struct ModelTree: Codable, Sendable, Equatable {
    /// Class name of the root (`ResNet`), or a name the user gave.
    public var name: String
    /// Where it came from: `zoo:resnet18`, a checkpoint path, `attach:pid 1234`, ...
    public var source: String
    /// torch: `model.training`.
    public var training: Bool
    /// Pre-order, as `named_modules()` yields them; row 0 is the root.
    public var modules: [ModuleNode]
    /// Each parameter tensor once, by identity (a tied tensor has several owners).
    public var parameters: [ParameterSpec]

    public init(name: String, source: String, training: Bool = false, modules: [ModuleNode], parameters: [ParameterSpec]) {
        self.name = name
        self.source = source
        self.training = training
        self.modules = modules
        self.parameters = parameters
    }
}

/// One `named_modules()` entry.
public struct ModuleNode: Codable, Sendable, Equatable {
    /// Dotted qualified name (`layer1.0.conv1`); the root is `""`.
    public var name: String
    /// The class PyTorch reports (`type(m).__name__`).
    public var className: String
    /// Row of the parent; `nil` only for the root. Parents come before their children.
    public var parent: Int?
    /// Own parameters (`recurse=False`) in registration order.
    public var params: [ParameterRef]
    /// Own buffers in registration order.
    public var buffers: [BufferSpec]
    /// The same module object is reachable under more than one name (`named_modules` lists it once).
    public var shared: Bool
    /// Holds uninitialized parameters (`LazyLinear` before its first forward).
    public var lazy: Bool

    enum CodingKeys: String, CodingKey {
        case name, className = "class", parent, params, buffers, shared, lazy
    }

    public init(name: String, className: String, parent: Int?, params: [ParameterRef] = [], buffers: [BufferSpec] = [],
                shared: Bool = false, lazy: Bool = false) {
        self.name = name
        self.className = className
        self.parent = parent
        self.params = params
        self.buffers = buffers
        self.shared = shared
        self.lazy = lazy
    }

    /// The last component of the qualified name (`conv1` for `layer1.0.conv1`).
    public var shortName: String {
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[name.index(after: dot)...])
    }

    /// Bytes of the module's own buffers.
    public var bufferBytes: Int { buffers.reduce(0) { $0 + $1.bytes } }
}

/// A parameter attribute of a module: its name there and the tensor it holds.
public struct ParameterRef: Codable, Sendable, Equatable {
    public var name: String
    /// `ParameterSpec.id` of the tensor.
    public var tensor: Int

    public init(name: String, tensor: Int) {
        self.name = name
        self.tensor = tensor
    }
}

/// One parameter tensor (torch: `dict(model.named_parameters())` deduplicates by identity the same way).
public struct ParameterSpec: Codable, Sendable, Equatable {
    public var id: Int
    /// First qualified name (`layer1.0.conv1.weight`).
    public var name: String
    /// `nil` while uninitialized (lazy).
    public var shape: [Int]?
    public var dtype: String
    public var device: String
    public var requiresGrad: Bool

    enum CodingKeys: String, CodingKey {
        case id, name, shape, dtype, device, requiresGrad = "requires_grad"
    }

    public init(id: Int, name: String, shape: [Int]?, dtype: String, device: String = "cpu", requiresGrad: Bool = true) {
        self.id = id
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.device = device
        self.requiresGrad = requiresGrad
    }

    /// Elements; 0 while uninitialized.
    public var numel: Int { shape?.reduce(1, *) ?? 0 }
    public var bytes: Int { numel * DTypeSize.itemSize(dtype) }
}

/// A buffer of a module (`running_mean`, `position_ids`).
public struct BufferSpec: Codable, Sendable, Equatable {
    public var name: String
    public var shape: [Int]?
    public var dtype: String
    public var device: String
    /// False for `register_buffer(..., persistent=False)`: not in the state dict.
    public var persistent: Bool

    public init(name: String, shape: [Int]?, dtype: String, device: String = "cpu", persistent: Bool = true) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.device = device
        self.persistent = persistent
    }

    public var numel: Int { shape?.reduce(1, *) ?? 0 }
    public var bytes: Int { numel * DTypeSize.itemSize(dtype) }
}

/// Bytes per element of PyTorch's dtype names, for trees that come without tensors (sessions, agents).
public enum DTypeSize {
    public static func itemSize(_ dtype: String) -> Int {
        switch dtype {
        case "float64", "int64", "complex64", "uint64": return 8
        case "complex128": return 16
        case "float16", "bfloat16", "int16", "uint16": return 2
        case "int8", "uint8", "bool", "float8_e4m3fn", "float8_e5m2": return 1
        default: return 4
        }
    }
}
