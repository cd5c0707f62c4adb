import OrderedCollections

/// torch.nn.Bilinear: `y = x₁ᵀ A x₂ + b` with `A` of shape [out, in1, in2], over matching leading dimensions.
public final class Bilinear: Module {
    public let in1Features: Int, in2Features: Int, outFeatures: Int

    public init(_ in1Features: Int, _ in2Features: Int, _ outFeatures: Int, bias: Bool = true,
                device: Device? = nil, dtype: DType? = nil) {
        self.in1Features = in1Features
        self.in2Features = in2Features
        self.outFeatures = outFeatures
        super.init()
        _parameters["weight"] = .some(Parameter(Tensor.empty([outFeatures, in1Features, in2Features], dtype: dtype, device: device)))
        _parameters["bias"] = .some(bias ? Parameter(Tensor.empty([outFeatures], dtype: dtype, device: device)) : nil)
        resetParameters()
    }

    public var weight: Parameter? { parameter("weight") }
    public var bias: Parameter? { parameter("bias") }

    /// torch: `reset_parameters()` — weight and bias uniform in ±1/√in1_features.
    public func resetParameters() {
        let bound = 1 / Double(in1Features).squareRoot()
        weight?.uniformUnchecked(-bound, bound)
        bias?.uniformUnchecked(-bound, bound)
    }

    override public var extraAttributes: OrderedDictionary<String, Value> {
        ["in1_features": .int(in1Features), "in2_features": .int(in2Features), "out_features": .int(outFeatures)]
    }

    override public func extraRepr() -> String {
        "in1_features=\(in1Features), in2_features=\(in2Features), out_features=\(outFeatures), bias=\(pythonBool(bias != nil))"
    }

    /// torch: `forward(input1, input2)`.
    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        guard let input1 = (args.count > 0 ? args[0] : kwargs["input1"])?.tensor,
              let input2 = (args.count > 1 ? args[1] : kwargs["input2"])?.tensor else {
            throw TorchError.typeError("Bilinear.forward() missing 2 required positional arguments: 'input1' and 'input2'")
        }
        guard let weight else { throw TorchError.attributeError("'Bilinear' object has no attribute 'weight'") }
        return .tensor(try Tensor.bilinear(input1, input2, weight: weight, bias: bias))
    }
}
