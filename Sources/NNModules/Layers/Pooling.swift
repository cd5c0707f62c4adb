/// torch.nn.MaxPool2d.
public final class MaxPool2d: Module {
    public let kernelSize: IntOrTuple, stride: IntOrTuple, padding: IntOrTuple, dilation: IntOrTuple
    public let returnIndices: Bool, ceilMode: Bool

    public init(kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0, dilation: IntOrTuple = 1,
                returnIndices: Bool = false, ceilMode: Bool = false) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.dilation = dilation
        self.returnIndices = returnIndices
        self.ceilMode = ceilMode
        super.init()
    }

    public convenience init(_ kernelSize: IntOrTuple) { self.init(kernelSize: kernelSize) }

    override public func extraRepr() -> String {
        "kernel_size=\(kernelSize), stride=\(stride), padding=\(padding), dilation=\(dilation), ceil_mode=\(pythonBool(ceilMode))"
    }

    private var window: PoolWindow {
        PoolWindow(kernel: kernelSize.expanded(2), stride: stride.expanded(2), padding: padding.expanded(2),
                   dilation: dilation.expanded(2), ceilMode: ceilMode)
    }

    /// With `return_indices=True` PyTorch returns `(output, indices)`: flat positions in each input plane.
    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        guard returnIndices else { return try super.forward(args, kwargs: kwargs) }
        guard kwargs.isEmpty, args.count == 1, let input = args[0].tensor else {
            throw TorchError.typeError("MaxPool2d.forward() takes one tensor argument but got \(args.count) positional and \(kwargs.count) keyword argument(s)")
        }
        let (values, indices) = try Tensor.maxPool2dWithIndices(input, window)
        return .tuple([.tensor(values), .tensor(indices)])
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        try Tensor.maxPool2d(input, kernel: kernelSize.expanded(2), stride: stride.expanded(2),
                             padding: padding.expanded(2), dilation: dilation.expanded(2), ceilMode: ceilMode)
    }
}

/// torch.nn.AvgPool2d.
public final class AvgPool2d: Module {
    public let kernelSize: IntOrTuple, stride: IntOrTuple, padding: IntOrTuple
    public let ceilMode: Bool, countIncludePad: Bool
    public let divisorOverride: Int?

    public init(kernelSize: IntOrTuple, stride: IntOrTuple? = nil, padding: IntOrTuple = 0, ceilMode: Bool = false,
                countIncludePad: Bool = true, divisorOverride: Int? = nil) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
        self.divisorOverride = divisorOverride
        super.init()
    }

    public convenience init(_ kernelSize: IntOrTuple) { self.init(kernelSize: kernelSize) }

    override public func extraRepr() -> String { "kernel_size=\(kernelSize), stride=\(stride), padding=\(padding)" }

    override public func forward(_ input: Tensor) throws -> Tensor {
        try Tensor.avgPool2d(input, kernel: kernelSize.expanded(2), stride: stride.expanded(2), padding: padding.expanded(2),
                             ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: divisorOverride)
    }
}

/// torch.nn.AdaptiveAvgPool2d: PyTorch's start/end index rule per output cell.
public final class AdaptiveAvgPool2d: Module {
    public let outputSize: IntOrTuple

    public init(_ outputSize: IntOrTuple) {
        self.outputSize = outputSize
        super.init()
    }

    override public func extraRepr() -> String { "output_size=\(outputSize)" }

    override public func forward(_ input: Tensor) throws -> Tensor {
        try Tensor.adaptiveAvgPool2d(input, outputSize: outputSize.expanded(2))
    }
}
