import NNModules
import Testing

/// Float32 depthwise convolutions (one input channel per group) take their own vector path: blocks of
/// eight output columns over a zero-bordered copy of the plane. Planes wide enough for whole blocks and
/// a partial last block, strides 1, 2 and 3, dilation, channel multipliers, bias (added onto) and the
/// asymmetric padding of `padding="same"` all match the direct loop definition.
@Suite struct DepthwiseConvTests {
    @Test(arguments: [
        (kernel: [3, 3], stride: 1, padding: 1, dilation: 1, multiplier: 1, width: 16),
        (kernel: [3, 3], stride: 1, padding: 1, dilation: 1, multiplier: 1, width: 29),
        (kernel: [3, 3], stride: 2, padding: 1, dilation: 1, multiplier: 1, width: 33),
        (kernel: [3, 3], stride: 2, padding: 0, dilation: 1, multiplier: 2, width: 24),
        (kernel: [3, 3], stride: 3, padding: 1, dilation: 1, multiplier: 1, width: 40),
        (kernel: [5, 5], stride: 1, padding: 2, dilation: 1, multiplier: 1, width: 21),
        (kernel: [3, 3], stride: 1, padding: 2, dilation: 2, multiplier: 1, width: 19),
        (kernel: [3, 2], stride: 2, padding: 1, dilation: 2, multiplier: 3, width: 27),
        (kernel: [3, 3], stride: 1, padding: 1, dilation: 1, multiplier: 1, width: 7),
    ])
    func matchesTheDirectLoopDefinition(_ c: (kernel: [Int], stride: Int, padding: Int, dilation: Int, multiplier: Int, width: Int)) throws {
        let channels = 5
        let conv = try Conv2d(channels, channels * c.multiplier, kernelSize: .tuple(c.kernel), stride: .int(c.stride),
                              padding: .explicit(.int(c.padding)), dilation: .int(c.dilation), groups: channels)
        let x = Tensor.randn([2, channels, 11, c.width])
        let expected = try referenceConv2d(x, try #require(conv.weight), bias: conv.bias, stride: [c.stride, c.stride],
                                           pad: [Int](repeating: c.padding, count: 4), dilation: [c.dilation, c.dilation],
                                           groups: channels)
        try expectClose(try conv(x), expected)
    }

    @Test func samePaddingWithAnEvenKernelPadsMoreOnTheRightAndBottom() throws {
        let conv = try Conv2d(4, 4, kernelSize: 4, padding: .same, groups: 4, bias: false)
        let x = Tensor.randn([1, 4, 10, 18])
        let expected = try referenceConv2d(x, try #require(conv.weight), bias: nil, pad: [1, 1, 2, 2], groups: 4)
        try expectClose(try conv(x), expected)
    }
}
