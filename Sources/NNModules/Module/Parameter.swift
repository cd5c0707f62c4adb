/// torch.nn.Parameter: a tensor that registers itself when assigned to a module and requires grad by
/// default. `Parameter(t)` shares `t`'s memory, as in PyTorch.
public class Parameter: Tensor {
    public init(_ data: Tensor, requiresGrad: Bool = true) {
        super.init(sharing: data)
        self.requiresGrad = requiresGrad
    }

    init(lazyDType dtype: DType, device: Device, requiresGrad: Bool) {
        super.init(storage: nil, shape: [0], dtype: dtype, device: device)
        self.requiresGrad = requiresGrad
    }

    override public var typeName: String { "Parameter" }
}

/// torch.nn.UninitializedParameter: a parameter with no shape until `materialize`, used by lazy modules.
/// Reading its shape or size throws PyTorch's error; only dtype/device moves are allowed before. After
/// `materialize` it is a regular Parameter (PyTorch swaps `__class__`; here `typeName` follows).
public final class UninitializedParameter: Parameter {
    private var materialized = false

    public init(requiresGrad: Bool = true, device: Device? = nil, dtype: DType? = nil) {
        super.init(lazyDType: dtype ?? TensorDefaults.dtype, device: device ?? TensorDefaults.device,
                   requiresGrad: requiresGrad)
    }

    override public var typeName: String { materialized ? "Parameter" : "UninitializedParameter" }
    override public var isLazy: Bool { !materialized }

    /// torch: `materialize(shape, device=None, dtype=None)` — allocates uninitialized memory in place.
    public func materialize(_ shape: [Int], device: Device? = nil, dtype: DType? = nil) {
        let fresh = Tensor.empty(shape, dtype: dtype ?? self.dtype, device: device ?? self.device)
        setData(fresh)
        materialized = true
    }
}

/// torch.nn.UninitializedBuffer: the buffer counterpart, materializing into a plain Tensor.
public final class UninitializedBuffer: Tensor {
    private var materialized = false

    public init(requiresGrad: Bool = false, device: Device? = nil, dtype: DType? = nil) {
        super.init(storage: nil, shape: [0], dtype: dtype ?? TensorDefaults.dtype, device: device ?? TensorDefaults.device)
        self.requiresGrad = requiresGrad
    }

    override public var typeName: String { materialized ? "Tensor" : "UninitializedBuffer" }
    override public var isLazy: Bool { !materialized }

    public func materialize(_ shape: [Int], device: Device? = nil, dtype: DType? = nil) {
        let fresh = Tensor.empty(shape, dtype: dtype ?? self.dtype, device: device ?? self.device)
        setData(fresh)
        materialized = true
    }
}

/// torch.nn.Buffer: marks a tensor assigned as a module attribute to become a buffer.
public struct Buffer {
    public let tensor: Tensor
    public let persistent: Bool
    public init(_ tensor: Tensor, persistent: Bool = true) {
        self.tensor = tensor
        self.persistent = persistent
    }
}

/// torch.nn.parameter.is_lazy.
public func isLazy(_ tensor: Tensor) -> Bool { tensor.isLazy }
