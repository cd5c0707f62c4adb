/// Normalization over trailing dimensions (LayerNorm, RMSNorm) and over channel groups (GroupNorm).
public final class LayerNorm: Module {
    public let normalizedShape: [Int]
    public let eps: Double
    public let elementwiseAffine: Bool

    public init(_ normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true,
                device: Device? = nil, dtype: DType? = nil) {
        self.normalizedShape = normalizedShape
        self.eps = eps
        self.elementwiseAffine = elementwiseAffine
        super.init()
        _parameters["weight"] = .some(elementwiseAffine ? Parameter(Tensor.ones(normalizedShape, dtype: dtype, device: device)) : nil)
        _parameters["bias"] = .some(elementwiseAffine && bias ? Parameter(Tensor.zeros(normalizedShape, dtype: dtype, device: device)) : nil)
    }

    public convenience init(_ normalizedShape: Int, eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true,
                            device: Device? = nil, dtype: DType? = nil) {
        self.init([normalizedShape], eps: eps, elementwiseAffine: elementwiseAffine, bias: bias, device: device, dtype: dtype)
    }

    override public func extraRepr() -> String {
        "\(pythonTuple(normalizedShape)), eps=\(pythonFloat(eps)), elementwise_affine=\(pythonBool(elementwiseAffine)), bias=\(pythonBool(parameter("bias") != nil))"
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        try Tensor.layerNorm(input, normalizedShape: normalizedShape, weight: parameter("weight"), bias: parameter("bias"), eps: eps)
    }
}

/// torch.nn.RMSNorm: `x / sqrt(mean(x²) + eps) * weight`; `eps=None` means the dtype's machine epsilon.
public final class RMSNorm: Module {
    public let normalizedShape: [Int]
    public let eps: Double?
    public let elementwiseAffine: Bool

    public init(_ normalizedShape: [Int], eps: Double? = nil, elementwiseAffine: Bool = true,
                device: Device? = nil, dtype: DType? = nil) {
        self.normalizedShape = normalizedShape
        self.eps = eps
        self.elementwiseAffine = elementwiseAffine
        super.init()
        _parameters["weight"] = .some(elementwiseAffine ? Parameter(Tensor.ones(normalizedShape, dtype: dtype, device: device)) : nil)
    }

    public convenience init(_ normalizedShape: Int, eps: Double? = nil, elementwiseAffine: Bool = true,
                            device: Device? = nil, dtype: DType? = nil) {
        self.init([normalizedShape], eps: eps, elementwiseAffine: elementwiseAffine, device: device, dtype: dtype)
    }

    override public func extraRepr() -> String {
        "\(pythonTuple(normalizedShape)), eps=\(eps.map(pythonFloat) ?? "None"), elementwise_affine=\(pythonBool(elementwiseAffine))"
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        let machineEps: Double = switch input.dtype {
        case .float64: Double.ulpOfOne
        case .float16: Double(Float16.ulpOfOne)
        case .bfloat16: 0.0078125
        default: Double(Float.ulpOfOne)
        }
        return try Tensor.rmsNorm(input, normalizedShape: normalizedShape, weight: parameter("weight"), eps: eps ?? machineEps)
    }
}

/// torch.nn.GroupNorm.
public final class GroupNorm: Module {
    public let numGroups: Int, numChannels: Int
    public let eps: Double
    public let affine: Bool

    public init(_ numGroups: Int, _ numChannels: Int, eps: Double = 1e-5, affine: Bool = true,
                device: Device? = nil, dtype: DType? = nil) throws {
        guard numChannels % numGroups == 0 else { throw TorchError.valueError("num_channels must be divisible by num_groups") }
        self.numGroups = numGroups
        self.numChannels = numChannels
        self.eps = eps
        self.affine = affine
        super.init()
        _parameters["weight"] = .some(affine ? Parameter(Tensor.ones([numChannels], dtype: dtype, device: device)) : nil)
        _parameters["bias"] = .some(affine ? Parameter(Tensor.zeros([numChannels], dtype: dtype, device: device)) : nil)
    }

    override public func extraRepr() -> String {
        "\(numGroups), \(numChannels), eps=\(pythonFloat(eps)), affine=\(pythonBool(affine)), bias=\(pythonBool(parameter("bias") != nil))"
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 2 else {
            throw TorchError.runtimeError("Expected at least 2 dimensions for input tensor but received \(input.rank)")
        }
        let channels = input.sizes[1], batch = input.sizes[0], inner = input.sizes[2...].reduce(1, *)
        if batch * channels / numGroups * inner == 1 {
            throw TorchError.valueError("Expected more than 1 value per channel when training, got input size \(Tensor.pythonShape([batch * channels / numGroups, numGroups] + input.sizes.dropFirst(2)))")
        }
        guard channels % numGroups == 0 else {
            throw TorchError.runtimeError("Expected number of channels in input to be divisible by num_groups, but got input of shape \(Tensor.pythonShape(input.sizes)) and num_groups=\(numGroups)")
        }
        // Without affine parameters PyTorch normalizes any divisible channel count.
        guard !affine || channels == numChannels else {
            throw TorchError.runtimeError("Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [\(numChannels)] and input of shape \(Tensor.pythonShape(input.sizes))")
        }
        if input.isMeta { return Tensor(storage: nil, shape: input.sizes, dtype: input.dtype, device: .meta) }
        return try Tensor.groupNorm(input, numGroups: numGroups, weight: parameter("weight"), bias: parameter("bias"), eps: eps)
    }
}
