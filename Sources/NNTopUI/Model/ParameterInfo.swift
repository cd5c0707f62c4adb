/// One parameter tensor, listed once even when it is tied (registered on several modules).
///
/// torch: `dict(model.named_parameters())` deduplicates by identity the same way.
public struct ParameterInfo: Sendable, Equatable {
    /// Identity of the tensor; rows refer to it through `ModuleRow.paramIDs`.
    public var id: Int
    /// First qualified name (`layer1.0.conv1.weight`).
    public var name: String
    public var shape: [Int]
    public var dtype: String
    public var numel: Int
    public var bytes: Int
    public var requiresGrad: Bool
    /// Rows that register this tensor; more than one for tied parameters.
    public var ownerRows: [Int]

    public init(
        id: Int, name: String, shape: [Int], dtype: String, numel: Int, bytes: Int,
        requiresGrad: Bool, ownerRows: [Int]
    ) {
        self.id = id
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.numel = numel
        self.bytes = bytes
        self.requiresGrad = requiresGrad
        self.ownerRows = ownerRows
    }

    /// Registered on more than one module (weight tying).
    public var isTied: Bool { ownerRows.count > 1 }
}
