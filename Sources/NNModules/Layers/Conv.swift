import OrderedCollections

/// Padding as PyTorch accepts it: explicit sizes, or the strings `"valid"` / `"same"`.
public enum ConvPadding: Equatable, Sendable {
    case explicit(IntOrTuple)
    case valid
    case same
}

extension ConvPadding: ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
    public init(integerLiteral value: Int) { self = .explicit(.int(value)) }
    public init(arrayLiteral elements: Int...) { self = .explicit(.tuple(elements)) }
}

/// torch.nn.modules.conv._ConvNd: shared state, parameters and `extra_repr` of Conv1d/2d and
/// ConvTranspose2d.
open class ConvNd: Module {
    public internal(set) var inChannels: Int
    public let outChannels: Int
    public let kernelSize: [Int], stride: [Int], dilation: [Int], outputPadding: [Int]
    public let padding: ConvPadding
    public let groups: Int
    public let paddingMode: String
    public let transposed: Bool

    init(_ inChannels: Int, _ outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple, padding: ConvPadding,
         dilation: IntOrTuple, transposed: Bool, outputPadding: IntOrTuple, groups: Int, bias: Bool,
         paddingMode: String, spatialDims n: Int, device: Device?, dtype: DType?, lazy: Bool = false) throws {
        guard groups > 0 else { throw TorchError.valueError("groups must be a positive integer") }
        guard lazy || inChannels % groups == 0 else { throw TorchError.valueError("in_channels must be divisible by groups") }
        guard outChannels % groups == 0 else { throw TorchError.valueError("out_channels must be divisible by groups") }
        let validModes = ["zeros", "reflect", "replicate", "circular"]
        guard validModes.contains(paddingMode) else {
            throw TorchError.valueError("padding_mode must be one of \(validModes), but got padding_mode='\(paddingMode)'")
        }
        if case .same = padding, stride.expanded(n).contains(where: { $0 != 1 }) {
            throw TorchError.valueError("padding='same' is not supported for strided convolutions")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize.expanded(n)
        self.stride = stride.expanded(n)
        self.padding = padding
        self.dilation = dilation.expanded(n)
        self.transposed = transposed
        self.outputPadding = outputPadding.expanded(n)
        self.groups = groups
        self.paddingMode = paddingMode
        super.init()
        if lazy {
            _parameters["weight"] = .some(UninitializedParameter(device: device, dtype: dtype))
            _parameters["bias"] = .some(bias ? UninitializedParameter(device: device, dtype: dtype) : nil)
            return
        }
        let weightShape = transposed ? [inChannels, outChannels / groups] + self.kernelSize
                                     : [outChannels, inChannels / groups] + self.kernelSize
        _parameters["weight"] = .some(Parameter(Tensor.empty(weightShape, dtype: dtype, device: device)))
        _parameters["bias"] = .some(bias ? Parameter(Tensor.empty([outChannels], dtype: dtype, device: device)) : nil)
        resetParameters()
    }

    public var weight: Parameter? { parameter("weight") }
    public var bias: Parameter? { parameter("bias") }

    /// torch: `reset_parameters()`.
    public func resetParameters() {
        guard let weight, !weight.isLazy else { return }
        Init.kaimingUniformDefault(weight)
        if let bias { Init.biasUniform(bias, fanIn: Init.fans(weight).fanIn) }
    }

    /// The explicit per-dimension padding (before, after) that `padding` means for this kernel.
    func paddingPairs() -> [(Int, Int)] {
        switch padding {
        case .explicit(let p): return p.expanded(kernelSize.count).map { ($0, $0) }
        case .valid: return kernelSize.map { _ in (0, 0) }
        case .same:
            return zip(kernelSize, dilation).map { k, d in
                let total = d * (k - 1)
                return (total / 2, total - total / 2)
            }
        }
    }

    override open var extraAttributes: OrderedDictionary<String, Value> {
        ["in_channels": .int(inChannels), "out_channels": .int(outChannels), "groups": .int(groups)]
    }

    override open func extraRepr() -> String {
        var s = "\(inChannels), \(outChannels), kernel_size=\(pythonTuple(kernelSize)), stride=\(pythonTuple(stride))"
        switch padding {
        case .explicit(let p):
            let values = p.expanded(kernelSize.count)
            if values.contains(where: { $0 != 0 }) { s += ", padding=\(pythonTuple(values))" }
        case .valid: s += ", padding=valid"
        case .same: s += ", padding=same"
        }
        if dilation.contains(where: { $0 != 1 }) { s += ", dilation=\(pythonTuple(dilation))" }
        if outputPadding.contains(where: { $0 != 0 }) { s += ", output_padding=\(pythonTuple(outputPadding))" }
        if groups != 1 { s += ", groups=\(groups)" }
        if bias == nil { s += ", bias=False" }
        if paddingMode != "zeros" { s += ", padding_mode=\(paddingMode)" }
        return s
    }

    /// torch `_conv_forward` of Conv1d/Conv2d on a batched or unbatched input: non-zero padding modes pad
    /// with F.pad first and convolve without padding; 1-D convolutions run the 2-D kernel over a height of 1.
    func convolve(_ input: Tensor) throws -> Tensor {
        guard let weight else { throw TorchError.attributeError("'\(typeName)' object has no attribute 'weight'") }
        let n = kernelSize.count
        guard input.rank == n + 1 || input.rank == n + 2 else {
            throw TorchError.runtimeError("Expected \(n + 1)D (unbatched) or \(n + 2)D (batched) input to conv\(n)d, but got input of size: \(Tensor.pythonShape(input.sizes))")
        }
        let batched = input.rank == n + 2
        var x = batched ? input : try input.unsqueeze(0)
        guard x.sizes[1] == weight.sizes[1] * groups else {
            throw TorchError.runtimeError("Given groups=\(groups), weight of size \(Tensor.pythonShape(weight.sizes)), expected input\(Tensor.pythonShape(x.sizes)) to have \(weight.sizes[1] * groups) channels, but got \(x.sizes[1]) channels instead")
        }
        var pads = paddingPairs()
        if let mode = PadMode(rawValue: paddingMode), mode != .constant {
            x = try x.pad(pads.reversed().flatMap { [$0.0, $0.1] }, mode: mode)
            pads = pads.map { _ in (0, 0) }
        }
        var w: Tensor = weight
        var (kernel, strides, dilations) = (kernelSize, stride, dilation)
        if n == 1 {
            (x, w) = (try x.unsqueeze(2), try weight.unsqueeze(2))
            (pads, kernel, strides, dilations) = ([(0, 0)] + pads, [1] + kernel, [1] + strides, [1] + dilations)
        }
        let g = Conv2dGeometry(batch: x.sizes[0], inChannels: x.sizes[1], height: x.sizes[2], width: x.sizes[3],
                               outChannels: w.sizes[0], kernelH: kernel[0], kernelW: kernel[1],
                               strideH: strides[0], strideW: strides[1], padTop: pads[0].0, padLeft: pads[1].0,
                               padBottom: pads[0].1, padRight: pads[1].1, dilationH: dilations[0],
                               dilationW: dilations[1], groups: groups)
        var y = try Tensor.conv2d(x, weight: w, bias: bias, geometry: g)
        if n == 1 { y = try y.squeeze(2) }
        return batched ? y : try y.squeeze(0)
    }
}

/// torch.nn.Conv2d.
open class Conv2d: ConvNd {
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple = 1,
                padding: ConvPadding = 0, dilation: IntOrTuple = 1, groups: Int = 1, bias: Bool = true,
                paddingMode: String = "zeros", device: Device? = nil, dtype: DType? = nil) throws {
        try super.init(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
                       dilation: dilation, transposed: false, outputPadding: 0, groups: groups, bias: bias,
                       paddingMode: paddingMode, spatialDims: 2, device: device, dtype: dtype)
    }

    init(lazyOutChannels outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple, padding: ConvPadding,
         dilation: IntOrTuple, groups: Int, bias: Bool, paddingMode: String, device: Device?, dtype: DType?) throws {
        try super.init(0, outChannels, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                       transposed: false, outputPadding: 0, groups: groups, bias: bias, paddingMode: paddingMode,
                       spatialDims: 2, device: device, dtype: dtype, lazy: true)
    }

    override open func forward(_ input: Tensor) throws -> Tensor { try convolve(input) }
}

/// torch.nn.LazyConv2d: `in_channels` is inferred from the first input.
public final class LazyConv2d: Conv2d {
    public init(_ outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple = 1, padding: ConvPadding = 0,
                dilation: IntOrTuple = 1, groups: Int = 1, bias: Bool = true, paddingMode: String = "zeros",
                device: Device? = nil, dtype: DType? = nil) throws {
        try super.init(lazyOutChannels: outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
                       dilation: dilation, groups: groups, bias: bias, paddingMode: paddingMode, device: device, dtype: dtype)
        installLazyHooks(becomes: "Conv2d") { module, args in
            guard let self = module as? LazyConv2d, let weight = self.weight, weight.isLazy else { return }
            guard let input = args.first?.tensor, input.rank >= 3 else {
                throw TorchError.typeError("LazyConv2d expects a 3-D or 4-D tensor input to infer in_channels")
            }
            let channels = input.sizes[input.rank - 3]
            self.inChannels = channels
            self.materialize(weight, [self.outChannels, channels / self.groups] + self.kernelSize)
            if let bias = self.bias { self.materialize(bias, [self.outChannels]) }
            self.resetParameters()
        }
    }
}

/// torch.nn.Conv1d.
public final class Conv1d: ConvNd {
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple = 1,
                padding: ConvPadding = 0, dilation: IntOrTuple = 1, groups: Int = 1, bias: Bool = true,
                paddingMode: String = "zeros", device: Device? = nil, dtype: DType? = nil) throws {
        try super.init(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
                       dilation: dilation, transposed: false, outputPadding: 0, groups: groups, bias: bias,
                       paddingMode: paddingMode, spatialDims: 1, device: device, dtype: dtype)
    }

    override public func forward(_ input: Tensor) throws -> Tensor { try convolve(input) }
}
