/// torch.nn.functional.conv2d, for callers that hold a weight rather than a `Conv2d` (an exported graph's
/// `aten.conv2d`/`aten.convolution`): the same kernels and autograd node as the layer.
extension Tensor {
    /// - Parameters: `stride`, `padding` (symmetric) and `dilation` per spatial axis (height, width).
    public static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor?, stride: [Int], padding: [Int],
                              dilation: [Int], groups: Int) throws -> Tensor {
        guard input.rank == 4, weight.rank == 4, stride.count == 2, padding.count == 2, dilation.count == 2, groups > 0,
              input.sizes[1] == weight.sizes[1] * groups else {
            throw TorchError.runtimeError("conv2d: input \(Tensor.pythonShape(input.sizes)), weight \(Tensor.pythonShape(weight.sizes)), stride \(stride), padding \(padding), dilation \(dilation), groups \(groups) do not fit")
        }
        let g = Conv2dGeometry(batch: input.sizes[0], inChannels: input.sizes[1], height: input.sizes[2],
                               width: input.sizes[3], outChannels: weight.sizes[0], kernelH: weight.sizes[2],
                               kernelW: weight.sizes[3], strideH: stride[0], strideW: stride[1], padTop: padding[0],
                               padLeft: padding[1], padBottom: padding[0], padRight: padding[1],
                               dilationH: dilation[0], dilationW: dilation[1], groups: groups)
        return try conv2d(input, weight: weight, bias: bias, geometry: g)
    }
}
