import NNModules
import Testing

/// F.pad (Kernels/Pad.swift), hand-derived borders for every mode.
@Suite struct PadTests {
    @Test func oneDimensionalModes() throws {
        let x = tensor([1, 2, 3], [1, 1, 3])
        try expectClose(try x.pad([2, 2], mode: .reflect), [3, 2, 1, 2, 3, 2, 1])
        try expectClose(try x.pad([2, 2], mode: .replicate), [1, 1, 1, 2, 3, 3, 3])
        try expectClose(try x.pad([2, 2], mode: .circular), [2, 3, 1, 2, 3, 1, 2])
        try expectClose(try x.pad([2, 1], value: 9), [9, 9, 1, 2, 3, 9])
        #expect(try x.pad([1, 0], mode: .reflect).sizes == [1, 1, 4])
    }

    @Test func constantPaddingCropsWhenNegativeAndPadsLeadingDimensions() throws {
        let x = ramp([2, 3])
        try expectClose(try x.pad([-1, 0]), [1, 2, 4, 5])
        let padded = try x.pad([0, 0, 1, 0], value: -1)
        #expect(padded.sizes == [3, 3])
        try expectClose(padded, [-1, -1, -1, 0, 1, 2, 3, 4, 5])
    }

    @Test func twoDimensionalReflectOfANonContiguousView() throws {
        // ramp([3, 3]).t() is [[0, 3, 6], [1, 4, 7], [2, 5, 8]].
        let x = try ramp([3, 3]).t().unsqueeze(0)
        let p = try x.pad([1, 1, 1, 1], mode: .reflect)
        #expect(p.sizes == [1, 5, 5])
        try expectClose(try p.select(0, 0).select(0, 0), [4, 1, 4, 7, 4])
        try expectClose(try p.select(0, 0).select(0, 1), [3, 0, 3, 6, 3])
    }

    @Test func errorsAreTorchs() {
        let x = tensor([1, 2, 3], [1, 1, 3])
        #expect(torchErrorMessage { try x.pad([3, 0], mode: .reflect) }
            == "Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (3, 0) at dimension 2 of input [1, 1, 3]")
        #expect(torchErrorMessage { try x.pad([4, 0], mode: .circular) } == "Padding value causes wrapping around more than once.")
        #expect(torchErrorMessage { try x.pad([1]) } == "Padding length must be divisible by 2")
        #expect(torchErrorMessage { try tensor([1], [1]).pad([1, 1], mode: .reflect) }
            == "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now")
    }

    @Test func metaGivesTheShape() throws {
        let p = try Tensor.empty([2, 3, 8, 8], device: .meta).pad([1, 2, 3, 4], mode: .replicate)
        #expect(p.sizes == [2, 3, 15, 11])
        #expect(p.isMeta)
    }
}
