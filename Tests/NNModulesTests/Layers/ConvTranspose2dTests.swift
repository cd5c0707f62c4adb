import NNModules
import Testing

/// ConvTranspose2d (Kernels/TransposedConvolution.swift): hand-derived scatters, stride/padding/
/// output_padding/groups/dilation against the direct definition, output_size, and PyTorch's errors.
@Suite struct ConvTranspose2dTests {
    private func onesKernel(stride: IntOrTuple = 1, padding: IntOrTuple = 0, outputPadding: IntOrTuple = 0) throws -> ConvTranspose2d {
        let m = try ConvTranspose2d(1, 1, kernelSize: 2, stride: stride, padding: padding, outputPadding: outputPadding)
        try setParameter(m, "weight", [1, 1, 1, 1])
        try setParameter(m, "bias", [0])
        return m
    }

    @Test func strideTwoCopiesEachPixelIntoABlock() throws {
        let y = try onesKernel(stride: 2)(tensor([1, 2, 3, 4], [1, 1, 2, 2]))
        #expect(y.sizes == [1, 1, 4, 4])
        try expectClose(y, [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
    }

    @Test func overlappingPatchesAddAndPaddingCrops() throws {
        let x = tensor([1, 2, 3, 4], [1, 1, 2, 2])
        try expectClose(try onesKernel()(x), [1, 3, 2, 4, 10, 6, 3, 7, 4])
        try expectClose(try onesKernel(padding: 1)(x), [10])
        let extra = try onesKernel(stride: 2, outputPadding: 1)(x)
        #expect(extra.sizes == [1, 1, 5, 5])
        try expectClose(try extra.select(2, 4), [0, 0, 0, 0, 0])
    }

    @Test(arguments: [
        (stride: 2, padding: 1, outputPadding: 1, dilation: 1, groups: 1),
        (stride: 3, padding: 0, outputPadding: 2, dilation: 2, groups: 2),
        (stride: 1, padding: 2, outputPadding: 0, dilation: 2, groups: 4),
    ])
    func matchesTheDirectScatter(_ c: (stride: Int, padding: Int, outputPadding: Int, dilation: Int, groups: Int)) throws {
        let m = try ConvTranspose2d(4, 8, kernelSize: [3, 2], stride: .int(c.stride), padding: .int(c.padding),
                                    outputPadding: .int(c.outputPadding), groups: c.groups, dilation: .int(c.dilation))
        let x = Tensor.randn([2, 4, 4, 5])
        let expected = try referenceConvTranspose2d(x, try #require(m.weight), bias: m.bias, stride: [c.stride, c.stride],
                                                    pad: [c.padding, c.padding], outputPadding: [c.outputPadding, c.outputPadding],
                                                    dilation: [c.dilation, c.dilation], groups: c.groups)
        try expectClose(try m(x), expected)
    }

    @Test func outputSizeChoosesTheOutputPadding() throws {
        let m = try ConvTranspose2d(2, 3, kernelSize: 3, stride: 2, padding: 1)
        let x = Tensor.randn([1, 2, 4, 4])
        #expect(try m(x).sizes == [1, 3, 7, 7])
        guard case .tensor(let y) = try m(.tensor(x), .tuple([.int(8), .int(7)])) else {
            Issue.record("expected a tensor")
            return
        }
        #expect(y.sizes == [1, 3, 8, 7])
        #expect(torchErrorMessage { try m.call([.tensor(x)], kwargs: ["output_size": .list([.int(9), .int(7)])]) }
            == "requested an output size of [9, 7], but valid sizes range from [7, 7] to [8, 8] (for an input of torch.Size([4, 4]))")
    }

    @Test func unbatchedEmptyNonContiguousAndMeta() throws {
        let m = try ConvTranspose2d(3, 2, kernelSize: 3, stride: 2)
        let x = Tensor.randn([2, 3, 4, 5])
        try expectClose(try m(try x.select(0, 0)), try m(x).select(0, 0))
        #expect(try m(Tensor.empty([0, 3, 4, 5])).sizes == [0, 2, 9, 11])
        try expectClose(try m(try x.transpose(2, 3)), try m(try x.transpose(2, 3).contiguous()))
        let meta = try TensorDefaults.$device.withValue(.meta) { try ConvTranspose2d(64, 32, kernelSize: 4, stride: 2, padding: 1) }
        #expect(try meta(Tensor.empty([1, 64, 16, 16], device: .meta)).sizes == [1, 32, 32, 32])
    }

    @Test func errorsAreTorchs() throws {
        #expect(torchErrorMessage { try ConvTranspose2d(1, 1, kernelSize: 2, paddingMode: "reflect") }
            == "Only \"zeros\" padding mode is supported for ConvTranspose2d")
        let m = try ConvTranspose2d(2, 2, kernelSize: 2, outputPadding: 1)
        #expect(torchErrorMessage { try m(Tensor.zeros([1, 2, 3, 3])) }
            == "output padding must be smaller than either stride or dilation, but got output_padding_height: 1 output_padding_width: 1 stride_height: 1 stride_width: 1 dilation_height: 1 dilation_width: 1")
        #expect(torchErrorMessage { try m(Tensor.zeros([1, 3, 3, 3])) }
            == "Given transposed=1, weight of size [2, 2, 2, 2], expected input[1, 3, 3, 3] to have 2 channels, but got 3 channels instead")
    }
}
