/// Everything the UI shows about a model's structure: rows in `named_modules()` order and the
/// parameter table. Built by the executable from a real `Module`, or fabricated in tests.
public struct ModelInfo: Sendable, Equatable {
    /// Class name of the root (`ResNet`), or a name the user gave.
    public var name: String
    /// Where it came from: `zoo:resnet18`, a checkpoint path, ...
    public var source: String
    /// Pre-order, as `named_modules()` yields them; row 0 is the root.
    public var rows: [ModuleRow]
    /// Each parameter tensor once (tied tensors have several `ownerRows`).
    public var parameters: [ParameterInfo]
    /// torch: `model.training` (`train()` / `eval()`).
    public var training: Bool

    public init(
        name: String, source: String, rows: [ModuleRow], parameters: [ParameterInfo], training: Bool = false
    ) {
        self.name = name
        self.source = source
        self.rows = rows
        self.parameters = parameters
        self.training = training
    }
}
