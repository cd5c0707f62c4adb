/// One module of the model, as `named_modules()` yields it (torch: `for name, m in model.named_modules()`).
///
/// A plain value so the UI can be tested with fabricated models and can replay recorded sessions.
public struct ModuleRow: Sendable, Equatable {
    /// Dotted qualified name (`layer1.0.conv1`); the root is `""`.
    public var name: String
    /// The class PyTorch reports (`type(m).__name__`), e.g. `Conv2d`.
    public var className: String
    /// 0 for the root, 1 for its direct children, ...
    public var depth: Int
    /// Index of the parent row; `nil` only for the root.
    public var parent: Int?
    /// Number of elements of the parameters registered directly on this module (`recurse=False`).
    public var ownParamNumel: Int
    /// Bytes of the buffers registered directly on this module.
    public var bufferBytes: Int
    /// Dtypes of this module's own parameters and buffers, e.g. `["float32"]`.
    public var dtypes: [String]
    /// Devices of this module's own parameters and buffers, e.g. `["cpu"]`.
    public var devices: [String]
    /// Output shape of the sample forward, already formatted (`[1, 64, 56, 56]`).
    public var outputShape: String?
    /// FLOPs of this module's own computation in one forward (children not included).
    public var flops: Int?
    /// Identities of the parameters registered directly on this module (see `ParameterInfo.id`).
    public var paramIDs: [Int]
    /// The same module object is reachable under more than one name (`named_modules` lists it once).
    public var isShared: Bool
    /// Holds uninitialized parameters (`LazyLinear` before its first forward).
    public var hasLazyParams: Bool
    /// The sample forward raised here; the message PyTorch would print.
    public var error: String?

    public init(
        name: String, className: String, depth: Int, parent: Int?,
        ownParamNumel: Int = 0, bufferBytes: Int = 0, dtypes: [String] = [], devices: [String] = [],
        outputShape: String? = nil, flops: Int? = nil, paramIDs: [Int] = [],
        isShared: Bool = false, hasLazyParams: Bool = false, error: String? = nil
    ) {
        self.name = name
        self.className = className
        self.depth = depth
        self.parent = parent
        self.ownParamNumel = ownParamNumel
        self.bufferBytes = bufferBytes
        self.dtypes = dtypes
        self.devices = devices
        self.outputShape = outputShape
        self.flops = flops
        self.paramIDs = paramIDs
        self.isShared = isShared
        self.hasLazyParams = hasLazyParams
        self.error = error
    }

    /// The last component of the qualified name (`conv1` for `layer1.0.conv1`).
    public var shortName: String {
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[name.index(after: dot)...])
    }
}
