import NNModules
import Testing

/// Upsample / F.interpolate: nearest, nearest-exact, linear and bilinear (half-pixel and align_corners)
/// by hand, meta shapes, non-contiguous inputs and PyTorch's argument errors.
@Suite struct UpsampleTests {
    let square = tensor([1, 2, 3, 4], [1, 1, 2, 2])

    @Test func nearestRepeatsAndPicksFloorSources() throws {
        try expectClose(try Upsample(scaleFactor: 2)(square), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        // 2 → 3: sources floor(o·2/3) = 0, 0, 1; nearest-exact floor((o + ½)·2/3) = 0, 1, 1.
        try expectClose(try Upsample(size: 3)(tensor([1, 2], [1, 1, 2])), [1, 1, 2])
        try expectClose(try Upsample(size: 3, mode: "nearest-exact")(tensor([1, 2], [1, 1, 2])), [1, 2, 2])
        try expectClose(try Upsample(size: [1, 3])(square), [1, 1, 2])
    }

    @Test func bilinearHalfPixelAndAlignCorners() throws {
        try expectClose(try Upsample(scaleFactor: 2, mode: "bilinear")(square),
                        [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4])
        try expectClose(try Upsample(size: 3, mode: "bilinear", alignCorners: true)(square), [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4])
        try expectClose(try Upsample(size: 4, mode: "linear", alignCorners: true)(tensor([0, 3], [1, 1, 2])), [0, 1, 2, 3])
    }

    @Test func nonContiguousInputAndMeta() throws {
        let x = try Tensor.randn([2, 3, 4, 5]).transpose(2, 3)
        let up = Upsample(scaleFactor: 1.5, mode: "bilinear")
        try expectClose(try up(x), try up(try x.contiguous()))
        #expect(try up(x).sizes == [2, 3, 7, 6])
        let meta = try Upsample(scaleFactor: 2)(Tensor.empty([1, 3, 16, 16], device: .meta))
        #expect(meta.sizes == [1, 3, 32, 32])
        #expect(meta.isMeta)
    }

    @Test func reprAndErrorsAreTorchs() {
        #expect(Upsample(size: 4).extraRepr() == "size=4, mode='nearest'")
        #expect(Upsample(scaleFactor: 2, mode: "bilinear").extraRepr() == "scale_factor=2.0, mode='bilinear'")
        #expect(torchErrorMessage { try Upsample(size: 2, scaleFactor: 2)(square) } == "only one of size or scale_factor should be defined")
        #expect(torchErrorMessage { try Upsample()(square) } == "either size or scale_factor should be defined")
        #expect(torchErrorMessage { try Upsample(scaleFactor: 2, alignCorners: true)(square) }
            == "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear")
        #expect(torchErrorMessage { try Upsample(scaleFactor: 2, mode: "bilinear")(tensor([1, 2], [1, 1, 2])) }
            == "Got 3D input, but bilinear mode needs 4D input")
        #expect(torchErrorMessage { try Upsample(size: [2, 2, 2])(square) }
            == "Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [2, 2] and output size of (2, 2, 2). Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
    }
}
