import NNModules

/// Base of the reference classes that subclass `torch.nn.Sequential` (torchvision's `Conv2dNormActivation`,
/// `MLP`/`MLPBlock`): children named `"0"`, `"1"`... called in order. NNModules' `Sequential` is final, and
/// these must print their own class name, so they derive from this instead.
open class SequentialBlock: Module {
    public init(_ layers: [Module]) throws {
        super.init()
        for (i, layer) in layers.enumerated() { try addModule(String(i), layer) }
    }

    override open func forward(_ input: Tensor) throws -> Tensor {
        var x = input
        for case let layer? in _modules.values { x = try layer(x) }
        return x
    }
}
