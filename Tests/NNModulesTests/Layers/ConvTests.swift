import NNModules
import Testing

/// Conv1d and Conv2d: padding (numbers, "same", "valid", reflect/replicate/circular), stride, dilation,
/// groups, bias, unbatched / empty / non-contiguous inputs, meta shapes and PyTorch's input errors.
@Suite struct ConvTests {
    @Test func handDerivedSumOfWindowsPlusBias() throws {
        let conv = try Conv2d(1, 1, kernelSize: 2)
        try setParameter(conv, "weight", [1, 1, 1, 1])
        try setParameter(conv, "bias", [0.5])
        // 0 1 2 / 3 4 5 / 6 7 8: window sums 8, 12, 20, 24.
        try expectClose(try conv(ramp([1, 1, 3, 3])), [8.5, 12.5, 20.5, 24.5])
    }

    @Test(arguments: [
        (stride: 1, padding: 1, dilation: 1, groups: 1),
        (stride: 2, padding: 1, dilation: 1, groups: 1),
        (stride: 1, padding: 2, dilation: 2, groups: 2),
        (stride: 2, padding: 0, dilation: 1, groups: 4),
    ])
    func matchesTheDirectLoopDefinition(_ c: (stride: Int, padding: Int, dilation: Int, groups: Int)) throws {
        let conv = try Conv2d(4, 8, kernelSize: [3, 2], stride: .int(c.stride), padding: .explicit(.int(c.padding)),
                              dilation: .int(c.dilation), groups: c.groups)
        let x = Tensor.randn([2, 4, 7, 6])
        let expected = try referenceConv2d(x, try #require(conv.weight), bias: conv.bias, stride: [c.stride, c.stride],
                                           pad: [Int](repeating: c.padding, count: 4), dilation: [c.dilation, c.dilation],
                                           groups: c.groups)
        try expectClose(try conv(x), expected)
    }

    @Test func depthwiseWithoutBiasInFloat64() throws {
        let conv = try Conv2d(3, 6, kernelSize: 3, padding: 1, groups: 3, bias: false, dtype: .float64)
        let x = Tensor.randn([1, 3, 5, 5], dtype: .float64)
        let y = try conv(x)
        #expect(y.dtype == .float64)
        try expectClose(y, try referenceConv2d(x, try #require(conv.weight), bias: nil, pad: [1, 1, 1, 1], groups: 3), tolerance: 1e-12)
    }

    @Test func sameKeepsTheSizeWithTheExtraPaddingOnTheRightForEvenKernels() throws {
        let conv = try Conv2d(2, 3, kernelSize: 4, padding: .same, dilation: 1)
        let x = Tensor.randn([1, 2, 5, 6])
        let y = try conv(x)
        #expect(y.sizes == [1, 3, 5, 6])
        try expectClose(y, try referenceConv2d(x, try #require(conv.weight), bias: conv.bias, pad: [1, 1, 2, 2]))
        let dilated = try Conv2d(2, 3, kernelSize: 3, padding: .same, dilation: 2)
        #expect(try dilated(x).sizes == [1, 3, 5, 6])
        let valid = try Conv2d(2, 3, kernelSize: 3, padding: .valid)
        #expect(try valid(x).sizes == [1, 3, 3, 4])
    }

    /// A kernel with a single 1 at its top-left corner copies the padded input's top-left window.
    @Test(arguments: [
        ("reflect", [4.0, 3, 4, 1, 0, 1, 4, 3, 4]),
        ("replicate", [0.0, 0, 1, 0, 0, 1, 3, 3, 4]),
        ("circular", [8.0, 6, 7, 2, 0, 1, 5, 3, 4]),
        ("zeros", [0.0, 0, 0, 0, 0, 1, 0, 3, 4]),
    ])
    func paddingModes(_ mode: String, _ expected: [Double]) throws {
        let conv = try Conv2d(1, 1, kernelSize: 3, padding: 1, bias: false, paddingMode: mode)
        try setParameter(conv, "weight", [1, 0, 0, 0, 0, 0, 0, 0, 0])
        try expectClose(try conv(ramp([1, 1, 3, 3])), expected)
    }

    @Test func conv1dPaddingsByHand() throws {
        let x = tensor([1, 2, 3, 4], [1, 1, 4])
        let conv = try Conv1d(1, 1, kernelSize: 3, padding: 1, bias: false)
        try setParameter(conv, "weight", [1, 0, -1])
        try expectClose(try conv(x), [-2, -2, -2, 3])
        let reflect = try Conv1d(1, 1, kernelSize: 3, padding: 1, bias: false, paddingMode: "reflect")
        try setParameter(reflect, "weight", [1, 0, -1])
        try expectClose(try reflect(x), [0, -2, -2, 0])
        let same = try Conv1d(1, 1, kernelSize: 2, padding: .same, bias: false)
        try setParameter(same, "weight", [1, 1])
        try expectClose(try same(x), [3, 5, 7, 4])
        let strided = try Conv1d(1, 1, kernelSize: 2, stride: 2, dilation: 1, bias: false)
        try setParameter(strided, "weight", [1, 1])
        try expectClose(try strided(x.squeeze(0)), [3, 7])
    }

    @Test func unbatchedEmptyAndNonContiguousInputs() throws {
        let conv = try Conv2d(3, 4, kernelSize: 3, padding: 1)
        let x = Tensor.randn([2, 3, 5, 5])
        let batched = try conv(x)
        try expectClose(try conv(try x.select(0, 1)), try batched.select(0, 1))
        #expect(try conv(Tensor.empty([0, 3, 5, 5])).sizes == [0, 4, 5, 5])
        let transposed = try x.transpose(2, 3)
        try expectClose(try conv(transposed), try conv(try transposed.contiguous()))
    }

    @Test func metaPropagatesShapes() throws {
        let conv = try TensorDefaults.$device.withValue(.meta) {
            try Conv2d(3, 64, kernelSize: 7, stride: 2, padding: 3, paddingMode: "reflect")
        }
        let y = try conv(Tensor.empty([8, 3, 224, 224], device: .meta))
        #expect(y.sizes == [8, 64, 112, 112])
        #expect(y.isMeta)
        let conv1d = try TensorDefaults.$device.withValue(.meta) { try Conv1d(16, 32, kernelSize: 5, dilation: 2) }
        #expect(try conv1d(Tensor.empty([4, 16, 50], device: .meta)).sizes == [4, 32, 42])
    }

    @Test func inputErrorsAreTorchs() throws {
        let conv = try Conv2d(3, 8, kernelSize: 3)
        #expect(torchErrorMessage { try conv(Tensor.zeros([1, 4, 5, 5])) }
            == "Given groups=1, weight of size [8, 3, 3, 3], expected input[1, 4, 5, 5] to have 3 channels, but got 4 channels instead")
        #expect(torchErrorMessage { try conv(Tensor.zeros([3, 5])) }
            == "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [3, 5]")
        let conv1d = try Conv1d(2, 4, kernelSize: 3)
        #expect(torchErrorMessage { try conv1d(Tensor.zeros([1, 2, 3, 3])) }
            == "Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [1, 2, 3, 3]")
        #expect(torchErrorMessage { try Conv2d(2, 2, kernelSize: 3, stride: 2, padding: .same) }
            == "padding='same' is not supported for strided convolutions")
    }

    @Test func lazyConv2dMaterializesOnTheFirstForward() throws {
        let lazy = try LazyConv2d(4, kernelSize: 3, padding: 1)
        #expect(lazy.typeName == "LazyConv2d")
        let y = try lazy(Tensor.randn([2, 5, 6, 6]))
        #expect(y.sizes == [2, 4, 6, 6])
        #expect(lazy.typeName == "Conv2d")
        #expect(lazy.weight?.sizes == [4, 5, 3, 3])
        #expect(lazy.inChannels == 5)
        #expect(lazy.extraRepr() == "5, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1)")
    }
}
