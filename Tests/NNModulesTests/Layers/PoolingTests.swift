import NNModules
import Testing

/// MaxPool2d (indices, ceil_mode, padding, dilation, NaN), AvgPool2d (count_include_pad,
/// divisor_override, ceil_mode) and AdaptiveAvgPool2d, by hand.
@Suite struct PoolingTests {
    private func maxPoolWithIndices(_ pool: MaxPool2d, _ x: Tensor) throws -> (Tensor, Tensor) {
        guard case .tuple(let out) = try pool(.tensor(x)), out.count == 2,
              let values = out[0].tensor, let indices = out[1].tensor else {
            throw TorchError.typeError("expected (output, indices)")
        }
        return (values, indices)
    }

    @Test func maxPoolReturnsFlatIndicesPerPlane() throws {
        let pool = MaxPool2d(kernelSize: 2, returnIndices: true)
        let (values, indices) = try maxPoolWithIndices(pool, ramp([1, 2, 4, 4]))
        try expectClose(values, [5, 7, 13, 15, 21, 23, 29, 31])
        #expect(indices.dtype == .int64)
        #expect(try indices.toDoubles() == [5, 7, 13, 15, 5, 7, 13, 15])
        try expectClose(try MaxPool2d(2)(ramp([1, 2, 4, 4])), values)
    }

    @Test func maxPoolPaddingCeilModeAndDilation() throws {
        let x = ramp([1, 1, 5, 5])
        // Padding is −inf: the window at (0, 0) only sees 0, 1, 5, 6.
        try expectClose(try MaxPool2d(kernelSize: 3, stride: 2, padding: 1)(x), [6, 8, 9, 16, 18, 19, 21, 23, 24])
        // 5 wide, kernel 2, stride 2: floor gives 2 windows, ceil 3 (the last one starts inside the input).
        #expect(try MaxPool2d(kernelSize: 2).forward(x).sizes == [1, 1, 2, 2])
        try expectClose(try MaxPool2d(kernelSize: 2, ceilMode: true).forward(x), [6, 8, 9, 16, 18, 19, 21, 23, 24])
        // Dilation 2 with kernel 2 reads (y, x), (y, x+2), (y+2, x), (y+2, x+2).
        let (values, indices) = try maxPoolWithIndices(MaxPool2d(kernelSize: 2, stride: 1, dilation: 2, returnIndices: true), x)
        #expect(values.sizes == [1, 1, 3, 3])
        try expectClose(values, [12, 13, 14, 17, 18, 19, 22, 23, 24])
        #expect(try indices.toDoubles() == [12, 13, 14, 17, 18, 19, 22, 23, 24])
    }

    @Test func maxPoolPropagatesNaN() throws {
        let x = tensor([1, .nan, 3, 4], [1, 1, 2, 2])
        #expect(try MaxPool2d(2)(x).toDoubles()[0].isNaN)
    }

    @Test func avgPoolDivisors() throws {
        let ones = Tensor.ones([1, 1, 3, 3])
        try expectClose(try AvgPool2d(kernelSize: 2, stride: 2, padding: 1)(ones), [0.25, 0.5, 0.5, 1])
        try expectClose(try AvgPool2d(kernelSize: 2, stride: 2, padding: 1, countIncludePad: false)(ones), [1, 1, 1, 1])
        try expectClose(try AvgPool2d(kernelSize: 2, stride: 2, padding: 1, divisorOverride: 3)(ones), [1.0 / 3, 2.0 / 3, 2.0 / 3, 4.0 / 3])
        // ceil_mode: windows clipped at the input edge divide by their clipped size.
        try expectClose(try AvgPool2d(kernelSize: 2, ceilMode: true)(ramp([1, 1, 3, 3])), [2, 3.5, 6.5, 8])
    }

    @Test func adaptiveAvgPoolUsesPyTorchsOverlappingRanges() throws {
        // Rows [0, 3) and [2, 5); columns [0, 2), [1, 4), [3, 5) of 0...24.
        try expectClose(try AdaptiveAvgPool2d([2, 3])(ramp([1, 1, 5, 5])), [5.5, 7, 8.5, 15.5, 17, 18.5])
        try expectClose(try AdaptiveAvgPool2d(1)(ramp([2, 2, 2])), [1.5, 5.5])
    }

    @Test func emptyBatchNonContiguousAndMeta() throws {
        #expect(try MaxPool2d(2)(Tensor.empty([0, 3, 4, 4])).sizes == [0, 3, 2, 2])
        #expect(try AvgPool2d(2)(Tensor.empty([0, 3, 4, 4])).sizes == [0, 3, 2, 2])
        #expect(try AdaptiveAvgPool2d([1, 1])(Tensor.empty([0, 3, 4, 4])).sizes == [0, 3, 1, 1])
        let x = try Tensor.randn([2, 3, 6, 6]).transpose(2, 3)
        try expectClose(try MaxPool2d(kernelSize: 3, stride: 2, padding: 1)(x),
                        try MaxPool2d(kernelSize: 3, stride: 2, padding: 1)(try x.contiguous()))
        try expectClose(try AvgPool2d(3)(x), try AvgPool2d(3)(try x.contiguous()))
        let meta = Tensor.empty([1, 64, 112, 112], device: .meta)
        guard case .tuple(let out) = try MaxPool2d(kernelSize: 3, stride: 2, padding: 1, returnIndices: true)(.tensor(meta)) else {
            Issue.record("expected a tuple")
            return
        }
        #expect(out[0].tensor?.sizes == [1, 64, 56, 56])
        #expect(out[1].tensor?.dtype == .int64)
    }

    @Test func shapeErrorsAreTorchs() {
        #expect(torchErrorMessage { try MaxPool2d(kernelSize: 2, padding: 2)(Tensor.zeros([1, 1, 4, 4])) }
            == "pad should be smaller than or equal to half of kernel size, but got padW = 2, padH = 2, kW = 2, kH = 2")
        #expect(torchErrorMessage { try MaxPool2d(kernelSize: 3, stride: 2)(Tensor.zeros([1, 1, 2, 2])) }
            == "Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small")
    }
}
