/// torch.Tensor: a strided view (shape, strides, offset) over a shared `Storage`, or over nothing on the
/// `meta` device. A reference type because PyTorch code relies on identity: `param is module.weight`,
/// tied weights, `param.data = ...` keeping the Parameter object.
public class Tensor: CustomStringConvertible {
    /// `nil` exactly when `device == .meta` (or the tensor is an unmaterialized lazy placeholder).
    public internal(set) var storage: Storage?
    /// In elements of `dtype`.
    public internal(set) var storageOffset: Int
    /// The shape without the lazy-parameter check; `shape` is the checked public accessor.
    public internal(set) var sizes: [Int]
    public internal(set) var strides: [Int]
    public internal(set) var dtype: DType
    public internal(set) var device: Device
    private var requiresGradFlag = false
    /// torch: `.grad`, accumulated by backward.
    public var grad: Tensor?
    /// torch: `grad_fn` — the node that produced this tensor in the recorded graph (nil for leaves).
    public internal(set) var gradFn: AutogradNode?
    /// Which output of `gradFn` this tensor is.
    var outputNr = 0
    /// The `AccumulateGrad` node of a leaf that requires grad while a graph uses it. Weak, as in PyTorch:
    /// the node keeps the leaf alive (so a temporary input still receives `.grad`), not the other way round.
    weak var accumulateNode: AutogradNode?
    /// For a view made by a view operation: the tensor whose memory it views and how it was made (torch
    /// `_base` and the view's creation meta), which decide what an in-place change of the view does.
    var viewOrigin: ViewOrigin?

    public init(storage: Storage?, storageOffset: Int = 0, shape: [Int], strides: [Int]? = nil,
                dtype: DType, device: Device) {
        self.storage = storage
        self.storageOffset = storageOffset
        self.sizes = shape
        self.strides = strides ?? Tensor.contiguousStrides(for: shape)
        self.dtype = dtype
        self.device = device
    }

    /// A new tensor viewing the same data as `other` (torch: `Tensor._make_subclass` / `detach`).
    init(sharing other: Tensor) {
        storage = other.storage
        storageOffset = other.storageOffset
        sizes = other.sizes
        strides = other.strides
        dtype = other.dtype
        device = other.device
    }

    public static func contiguousStrides(for shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = running
            running *= max(shape[i], 1)
        }
        return strides
    }

    // MARK: - Shape (torch: shape, size(), numel(), dim())

    /// The Python class name PyTorch reports for this object (`type(t).__name__`).
    public var typeName: String { "Tensor" }

    /// True for an `UninitializedParameter`/`UninitializedBuffer` that has not been materialized
    /// (torch.nn.parameter.is_lazy).
    public var isLazy: Bool { false }

    public var shape: [Int] {
        get throws {
            if isLazy { throw TorchError.runtimeError(Tensor.lazyShapeMessage) }
            return sizes
        }
    }

    public func size() throws -> [Int] {
        try checkInitialized("size")
        return sizes
    }

    public func size(_ dim: Int) throws -> Int {
        try checkInitialized("size")
        return sizes[try normalizeDim(dim)]
    }

    public func numel() throws -> Int {
        try checkInitialized("numel")
        return count
    }

    public func dim() throws -> Int {
        try checkInitialized("dim")
        return sizes.count
    }

    /// Element count without the lazy check, for kernels.
    public var count: Int { sizes.reduce(1, *) }
    public var rank: Int { sizes.count }
    public var byteCount: Int { count * dtype.itemSize }
    public var isMeta: Bool { device == .meta }
    public var isFloatingPoint: Bool { dtype.isFloatingPoint }

    public var isContiguous: Bool {
        if count == 0 { return true }
        var expected = 1
        for i in stride(from: sizes.count - 1, through: 0, by: -1) where sizes[i] != 1 {
            if strides[i] != expected { return false }
            expected *= sizes[i]
        }
        return true
    }

    static let lazyShapeMessage = "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in `load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call `forward` to initialize the parameters before accessing their attributes."

    func checkInitialized(_ method: String) throws {
        if isLazy {
            throw TorchError.valueError("Attempted to use an uninitialized parameter in <method '\(method)' of 'torch._C.TensorBase' objects>. This error happens when you are using a `LazyModule` or explicitly manipulating `torch.nn.parameter.UninitializedParameter` objects. When using LazyModules Call `forward` with a dummy batch to initialize the parameters before calling torch functions")
        }
    }

    /// Wraps a possibly negative dimension index like PyTorch's `maybe_wrap_dim`.
    public func normalizeDim(_ dim: Int) throws -> Int {
        let n = max(sizes.count, 1)
        let d = dim < 0 ? dim + n : dim
        guard d >= 0, d < n else {
            throw TorchError.indexError("Dimension out of range (expected to be in range of [\(-n), \(n - 1)], but got \(dim))")
        }
        return d
    }

    // MARK: - Autograd flags

    /// torch: `requires_grad`. Only floating point and complex tensors can require gradients.
    public var requiresGrad: Bool {
        get { requiresGradFlag || gradFn != nil }
        set { requiresGradFlag = newValue && (dtype.isFloatingPoint || dtype.isComplex) }
    }

    /// torch: `requires_grad_()`; returns self.
    @discardableResult
    public func requiresGrad_(_ flag: Bool = true) throws -> Self {
        if flag && !(dtype.isFloatingPoint || dtype.isComplex) {
            throw TorchError.runtimeError("only Tensors of floating point and complex dtype can require gradients")
        }
        requiresGradFlag = flag
        return self
    }

    /// torch: `is_leaf` — not produced by a recorded operation.
    public var isLeaf: Bool { gradFn == nil }

    /// torch: `data_ptr()`: the address of the first element, equal for tensors sharing memory.
    public var dataPointer: Int {
        guard let storage else { return 0 }
        return Int(bitPattern: storage.pointer) + storageOffset * dtype.itemSize
    }

    /// torch: `is_shared()`.
    public var isShared: Bool { storage?.isShared ?? false }

    /// torch: `share_memory_()`.
    @discardableResult
    public func shareMemory_() throws -> Self {
        try storage?.shareMemory()
        return self
    }

    /// torch: `t.data = other` — swaps the contents while keeping this object's identity (and for a
    /// Parameter its requires_grad), which is how `Module._apply` keeps Parameter objects.
    public func setData(_ other: Tensor) {
        storage = other.storage
        storageOffset = other.storageOffset
        sizes = other.sizes
        strides = other.strides
        dtype = other.dtype
        device = other.device
        if !(dtype.isFloatingPoint || dtype.isComplex) { requiresGradFlag = false }
    }

    /// torch: `detach()` — a new Tensor object over the same memory, not requiring grad.
    public func detach() -> Tensor { Tensor(sharing: self) }

    /// torch: `_base` — the tensor this one is a view of (nil unless made by a view operation).
    public var base: Tensor? { viewOrigin?.base }

    /// torch: `_version` — how many in-place changes the memory this tensor shares (with its views and
    /// detached aliases) has seen.
    public var version: Int { storage?.version ?? 0 }

    public var description: String { TensorFormatter.repr(self) }
}

extension Tensor {
    /// torch: `type(t.grad_fn).__name__`, e.g. `AddBackward0`.
    public var gradFnName: String? { gradFn?.name }
}
