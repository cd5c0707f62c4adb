/// torch.nn.ConvTranspose2d: the gradient of Conv2d with respect to its input, used as a learned upsampler.
public final class ConvTranspose2d: ConvNd {
    /// - Throws: PyTorch's ValueError for a padding mode other than `"zeros"`.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: IntOrTuple, stride: IntOrTuple = 1,
                padding: IntOrTuple = 0, outputPadding: IntOrTuple = 0, groups: Int = 1, bias: Bool = true,
                dilation: IntOrTuple = 1, paddingMode: String = "zeros", device: Device? = nil, dtype: DType? = nil) throws {
        guard paddingMode == "zeros" else {
            throw TorchError.valueError("Only \"zeros\" padding mode is supported for ConvTranspose2d")
        }
        try super.init(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: .explicit(padding),
                       dilation: dilation, transposed: true, outputPadding: outputPadding, groups: groups, bias: bias,
                       paddingMode: paddingMode, spatialDims: 2, device: device, dtype: dtype)
    }

    /// torch: `forward(input, output_size=None)`; `output_size` picks one of the `stride` possible sizes.
    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        guard let input = (args.first ?? kwargs["input"])?.tensor else {
            throw TorchError.typeError("ConvTranspose2d.forward() missing 1 required positional argument: 'input'")
        }
        var outputSize: [Int]?
        switch args.count > 1 ? args[1] : kwargs["output_size"] ?? .none {
        case .tuple(let items), .list(let items): outputSize = items.compactMap { if case .int(let v) = $0 { v } else { nil } }
        default: break
        }
        return .tensor(try transposedConvolve(input, outputSize: outputSize))
    }

    override public func forward(_ input: Tensor) throws -> Tensor { try transposedConvolve(input, outputSize: nil) }

    private func transposedConvolve(_ input: Tensor, outputSize: [Int]?) throws -> Tensor {
        guard let weight else { throw TorchError.attributeError("'ConvTranspose2d' object has no attribute 'weight'") }
        guard input.rank == 3 || input.rank == 4 else {
            throw TorchError.runtimeError("Expected 3D (unbatched) or 4D (batched) input to conv_transpose2d, but got input of size: \(Tensor.pythonShape(input.sizes))")
        }
        let batched = input.rank == 4
        let x = batched ? input : try input.unsqueeze(0)
        guard x.sizes[1] == weight.sizes[0] else {
            throw TorchError.runtimeError("Given transposed=1, weight of size \(Tensor.pythonShape(weight.sizes)), expected input\(Tensor.pythonShape(x.sizes)) to have \(weight.sizes[0]) channels, but got \(x.sizes[1]) channels instead")
        }
        let pad = paddingPairs().map(\.0)
        let extra = try outputSize.map { try outputPaddingFor($0, input: input, padding: pad) } ?? outputPadding
        guard (0..<2).allSatisfy({ extra[$0] < stride[$0] || extra[$0] < dilation[$0] }) else {
            throw TorchError.runtimeError("output padding must be smaller than either stride or dilation, but got output_padding_height: \(extra[0]) output_padding_width: \(extra[1]) stride_height: \(stride[0]) stride_width: \(stride[1]) dilation_height: \(dilation[0]) dilation_width: \(dilation[1])")
        }
        let g = ConvTranspose2dGeometry(batch: x.sizes[0], inChannels: x.sizes[1], height: x.sizes[2], width: x.sizes[3],
                                        outChannels: weight.sizes[1] * groups, kernelH: kernelSize[0], kernelW: kernelSize[1],
                                        strideH: stride[0], strideW: stride[1], padH: pad[0], padW: pad[1],
                                        outputPadH: extra[0], outputPadW: extra[1], dilationH: dilation[0],
                                        dilationW: dilation[1], groups: groups)
        let y = try Tensor.convTranspose2d(x, weight: weight, bias: bias, geometry: g)
        return batched ? y : try y.squeeze(0)
    }

    /// torch `_output_padding`: the output padding that gives `outputSize` (spatial, or with batch/channels).
    private func outputPaddingFor(_ outputSize: [Int], input: Tensor, padding: [Int]) throws -> [Int] {
        let nonSpatial = input.rank == 4 ? 2 : 1
        let spatial = outputSize.count == nonSpatial + 2 ? Array(outputSize.suffix(2)) : outputSize
        guard spatial.count == 2 else {
            throw TorchError.valueError("ConvTranspose2D: for \(input.rank)D input, output_size must have 2 or \(nonSpatial + 2) elements (got \(outputSize.count))")
        }
        let minSizes = (0..<2).map { d in
            (input.sizes[d + nonSpatial] - 1) * stride[d] - 2 * padding[d] + dilation[d] * (kernelSize[d] - 1) + 1
        }
        let maxSizes = (0..<2).map { minSizes[$0] + stride[$0] - 1 }
        guard (0..<2).allSatisfy({ spatial[$0] >= minSizes[$0] && spatial[$0] <= maxSizes[$0] }) else {
            throw TorchError.valueError("requested an output size of \(Tensor.pythonShape(spatial)), but valid sizes range from \(Tensor.pythonShape(minSizes)) to \(Tensor.pythonShape(maxSizes)) (for an input of \(torchSize(Array(input.sizes.suffix(2)))))")
        }
        return (0..<2).map { spatial[$0] - minSizes[$0] }
    }
}
