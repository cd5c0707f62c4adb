import OrderedCollections

/// torch.nn.Linear: `y = x Aᵀ + b`.
open class Linear: Module {
    public internal(set) var inFeatures: Int
    public let outFeatures: Int

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, device: Device? = nil, dtype: DType? = nil) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        super.init()
        _parameters["weight"] = .some(Parameter(Tensor.empty([outFeatures, inFeatures], dtype: dtype, device: device)))
        _parameters["bias"] = .some(bias ? Parameter(Tensor.empty([outFeatures], dtype: dtype, device: device)) : nil)
        resetParameters()
    }

    /// For LazyLinear: parameters are placeholders until the first input.
    init(lazyOutFeatures outFeatures: Int, bias: Bool, device: Device?, dtype: DType?) {
        self.inFeatures = 0
        self.outFeatures = outFeatures
        super.init()
        _parameters["weight"] = .some(UninitializedParameter(device: device, dtype: dtype))
        _parameters["bias"] = .some(bias ? UninitializedParameter(device: device, dtype: dtype) : nil)
    }

    public var weight: Parameter? { parameter("weight") }
    public var bias: Parameter? { parameter("bias") }

    /// torch: `reset_parameters()`.
    public func resetParameters() {
        guard let weight, !weight.isLazy else { return }
        Init.kaimingUniformDefault(weight)
        if let bias { Init.biasUniform(bias, fanIn: Init.fans(weight).fanIn) }
    }

    override open var extraAttributes: OrderedDictionary<String, Value> {
        ["in_features": .int(inFeatures), "out_features": .int(outFeatures)]
    }

    override open func extraRepr() -> String {
        "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(pythonBool(bias != nil))"
    }

    override open func forward(_ input: Tensor) throws -> Tensor {
        guard let weight else { throw TorchError.attributeError("'\(typeName)' object has no attribute 'weight'") }
        return try Tensor.linear(input, weight: weight, bias: bias)
    }
}

/// torch.nn.modules.linear.NonDynamicallyQuantizableLinear, MultiheadAttention's `out_proj`.
public final class NonDynamicallyQuantizableLinear: Linear {}

/// torch.nn.Identity.
public final class Identity: Module {
    override public init() { super.init() }
    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        guard let first = args.first else { throw TorchError.typeError("Identity.forward() missing 1 required positional argument: 'input'") }
        return first
    }
}

/// torch.nn.Flatten.
public final class Flatten: Module {
    public let startDim: Int, endDim: Int
    public init(startDim: Int = 1, endDim: Int = -1) {
        self.startDim = startDim
        self.endDim = endDim
        super.init()
    }
    override public func extraRepr() -> String { "start_dim=\(startDim), end_dim=\(endDim)" }
    override public func forward(_ input: Tensor) throws -> Tensor { try input.flatten(startDim: startDim, endDim: endDim) }
}

/// torch.nn.Unflatten.
public final class Unflatten: Module {
    public let dim: Int, unflattenedSize: [Int]
    public init(dim: Int, unflattenedSize: [Int]) {
        self.dim = dim
        self.unflattenedSize = unflattenedSize
        super.init()
    }
    override public func extraRepr() -> String { "dim=\(dim), unflattened_size=\(pythonTuple(unflattenedSize))" }
    override public func forward(_ input: Tensor) throws -> Tensor {
        let d = try input.normalizeDim(dim)
        return try input.reshape(Array(input.sizes[..<d]) + unflattenedSize + Array(input.sizes[(d + 1)...]))
    }
}
