/// 2-D pooling over the last two dimensions of 3-D or 4-D inputs.
struct PoolWindow {
    let kernel: [Int], stride: [Int], padding: [Int], dilation: [Int]
    let ceilMode: Bool

    func outputSize(_ input: Int, _ d: Int) -> Int {
        let effective = dilation[d] * (kernel[d] - 1) + 1
        let numerator = input + 2 * padding[d] - effective
        // PyTorch divides rounding toward negative infinity (div_rtn): a too-large kernel gives 0 or less.
        let dividend = numerator + (ceilMode ? stride[d] - 1 : 0)
        var out = (dividend >= 0 ? dividend / stride[d] : -((-dividend + stride[d] - 1) / stride[d])) + 1
        // PyTorch: the last window must start inside the input or left padding.
        if ceilMode && (out - 1) * stride[d] >= input + padding[d] { out -= 1 }
        return out
    }
}

extension PoolWindow {
    /// The output shape for a 3-D or 4-D input, with PyTorch's `pool2d_shape_check` errors.
    func outputShape(_ input: Tensor) throws -> [Int] {
        guard input.rank == 3 || input.rank == 4 else {
            throw TorchError.runtimeError("pool2d: Expected 3D or 4D (batch mode) tensor for input, but got input of size: \(Tensor.pythonShape(input.sizes))")
        }
        guard kernel[1] / 2 >= padding[1], kernel[0] / 2 >= padding[0] else {
            throw TorchError.runtimeError("pad should be smaller than or equal to half of kernel size, but got padW = \(padding[1]), padH = \(padding[0]), kW = \(kernel[1]), kH = \(kernel[0])")
        }
        let h = input.sizes[input.rank - 2], wd = input.sizes[input.rank - 1]
        let oh = outputSize(h, 0), ow = outputSize(wd, 1)
        guard oh > 0, ow > 0 else {
            throw TorchError.runtimeError("Given input size: (\(input.sizes.dropFirst(input.rank - 3).map(String.init).joined(separator: "x"))). Calculated output size: (\(input.sizes[input.rank - 3])x\(oh)x\(ow)). Output size is too small")
        }
        return Array(input.sizes.dropLast(2)) + [oh, ow]
    }
}

/// Applies `reduce` to each window of each plane; `window` yields the element values (nil = padding).
func pool2d(_ input: Tensor, _ w: PoolWindow, _ reduce: ([Double], Int) -> Double) throws -> Tensor {
    let outShape = try w.outputShape(input)
    let h = input.sizes[input.rank - 2], wd = input.sizes[input.rank - 1]
    let oh = outShape[outShape.count - 2], ow = outShape[outShape.count - 1]
    if input.isMeta { return Tensor(storage: nil, shape: outShape, dtype: input.dtype, device: .meta) }
    let x = try input.contiguous().toDoubles()
    let planes = x.count / max(h * wd, 1)
    var out = [Double](repeating: 0, count: planes * oh * ow)
    var window: [Double] = []
    for p in 0..<planes {
        for oy in 0..<oh {
            for ox in 0..<ow {
                window.removeAll(keepingCapacity: true)
                var padded = 0
                for ky in 0..<w.kernel[0] {
                    for kx in 0..<w.kernel[1] {
                        let iy = oy * w.stride[0] - w.padding[0] + ky * w.dilation[0]
                        let ix = ox * w.stride[1] - w.padding[1] + kx * w.dilation[1]
                        if iy >= 0, iy < h, ix >= 0, ix < wd {
                            window.append(x[p * h * wd + iy * wd + ix])
                        } else if iy < h + w.padding[0], ix < wd + w.padding[1] {
                            padded += 1
                        }
                    }
                }
                out[(p * oh + oy) * ow + ox] = reduce(window, padded)
            }
        }
    }
    return Tensor(out, shape: outShape, dtype: input.dtype)
}

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
        let (values, indices) = try Tensor.maxPool2d(input, window)
        return .tuple([.tensor(values), .tensor(indices)])
    }

    override public func forward(_ input: Tensor) throws -> Tensor { try Tensor.maxPool2d(input, window).values }
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
        let w = PoolWindow(kernel: kernelSize.expanded(2), stride: stride.expanded(2), padding: padding.expanded(2),
                           dilation: [1, 1], ceilMode: ceilMode)
        return try pool2d(input, w) { values, padded in
            let divisor = divisorOverride ?? (countIncludePad ? values.count + padded : values.count)
            return values.reduce(0, +) / Double(max(divisor, 1))
        }
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
        guard input.rank == 3 || input.rank == 4 else {
            throw TorchError.valueError("adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got \(Tensor.pythonShape(input.sizes))")
        }
        let target = outputSize.expanded(2)
        let h = input.sizes[input.rank - 2], w = input.sizes[input.rank - 1]
        let outShape = Array(input.sizes.dropLast(2)) + target
        if input.isMeta { return Tensor(storage: nil, shape: outShape, dtype: input.dtype, device: .meta) }
        let x = try input.contiguous().toDoubles()
        let planes = x.count / max(h * w, 1)
        var out = [Double](repeating: 0, count: planes * target[0] * target[1])
        for p in 0..<planes {
            for oy in 0..<target[0] {
                let y0 = (oy * h) / target[0], y1 = ((oy + 1) * h + target[0] - 1) / target[0]
                for ox in 0..<target[1] {
                    let x0 = (ox * w) / target[1], x1 = ((ox + 1) * w + target[1] - 1) / target[1]
                    var s = 0.0
                    for y in y0..<y1 { for xx in x0..<x1 { s += x[p * h * w + y * w + xx] } }
                    out[(p * target[0] + oy) * target[1] + ox] = s / Double((y1 - y0) * (x1 - x0))
                }
            }
        }
        return Tensor(out, shape: outShape, dtype: input.dtype)
    }
}
