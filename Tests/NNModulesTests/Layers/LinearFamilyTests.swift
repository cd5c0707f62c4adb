import NNModules
import Testing

/// Linear, LazyLinear, Identity, Flatten and Unflatten.
@Suite struct LinearFamilyTests {
    @Test func linearByHandOnAView() throws {
        let m = Linear(2, 2)
        try setParameter(m, "weight", [1, 2, 3, 4])
        try setParameter(m, "bias", [0.5, -0.5])
        try expectClose(try m(try tensor([1, 0, 1, 1], [2, 2]).t()), [3.5, 6.5, 2.5, 3.5])
        #expect(try m(Tensor.empty([0, 2])).sizes == [0, 2])
        #expect(try m(Tensor.empty([4, 7, 2], device: .meta)).sizes == [4, 7, 2])
        #expect(torchErrorMessage { try m(Tensor.zeros([3, 5])) } == "mat1 and mat2 shapes cannot be multiplied (3x5 and 2x2)")
    }

    @Test func lazyLinearMaterializesAndBecomesLinear() throws {
        let lazy = LazyLinear(3)
        #expect(lazy.typeName == "LazyLinear")
        #expect(try lazy(Tensor.randn([2, 5])).sizes == [2, 3])
        #expect(lazy.typeName == "Linear")
        #expect(lazy.weight?.sizes == [3, 5])
        #expect(lazy.extraRepr() == "in_features=5, out_features=3, bias=True")
    }

    @Test func identityFlattenUnflatten() throws {
        let x = Tensor.randn([2, 3, 4])
        #expect(try Identity()(x) === x)
        #expect(try Flatten()(x).sizes == [2, 12])
        #expect(try Flatten(startDim: 0, endDim: 1)(x).sizes == [6, 4])
        let flattened = try Flatten()(try x.transpose(1, 2))
        try expectClose(flattened, try x.transpose(1, 2).contiguous().reshape([2, 12]))
        #expect(try Unflatten(dim: 1, unflattenedSize: [2, -1])(Tensor.zeros([2, 12])).sizes == [2, 2, 6])
        #expect(try Unflatten(dim: -1, unflattenedSize: [2, 2])(Tensor.empty([0, 4], device: .meta)).sizes == [0, 2, 2])
        #expect(torchErrorMessage { try Flatten(startDim: 2)(Tensor.zeros([3])) }
            == "Dimension out of range (expected to be in range of [-1, 0], but got 2)")
    }
}
