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

extension Tensor {
    /// torch.nn.functional.bilinear, with ATen's shape checks: x₁·A reshaped as one GEMM, then a batched
    /// product with x₂.
    public static func bilinear(_ input1: Tensor, _ input2: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        guard input1.rank == input2.rank else {
            throw TorchError.runtimeError("bilinear(): input dimensions do not match: got \(input1.rank) and \(input2.rank)")
        }
        for d in 0..<(input1.rank - 1) where input1.sizes[d] != input2.sizes[d] {
            throw TorchError.runtimeError("bilinear(): input batch dimensions do not match: got \(input1.sizes[d]) and \(input2.sizes[d])")
        }
        let (out, in1, in2) = (weight.sizes[0], weight.sizes[1], weight.sizes[2])
        guard input1.sizes.last == in1 else {
            throw TorchError.runtimeError("bilinear(): input1 size does not match weight size: got \(input1.sizes.last ?? 0) but expected \(in1)")
        }
        guard input2.sizes.last == in2 else {
            throw TorchError.runtimeError("bilinear(): input2 size does not match weight size: got \(input2.sizes.last ?? 0) but expected \(in2)")
        }
        if let bias, bias.sizes.first != out {
            throw TorchError.runtimeError("bilinear(): bias size does not match weight size: got \(bias.sizes.first ?? 0) but expected \(out)")
        }
        let lead = Array(input1.sizes.dropLast())
        let rows = lead.reduce(1, *)
        if input1.isMeta || input2.isMeta || weight.isMeta || rows == 0 {
            return Tensor.empty(lead + [out], dtype: TypePromotion.result(input1.dtype, weight.dtype),
                                device: input1.isMeta || input2.isMeta || weight.isMeta ? .meta : .cpu)
        }
        // [rows, in1] · [in1, out·in2] → [rows, out, in2], then · x₂ [rows, in2, 1] → [rows, out].
        let mixed = try input1.reshape([rows, in1]).matmul(try weight.permute([1, 0, 2]).reshape([in1, out * in2]))
        var y = try mixed.reshape([rows, out, in2]).matmul(try input2.reshape([rows, in2, 1])).reshape(lead + [out])
        if let bias { y = try y + bias }
        return y
    }
}
