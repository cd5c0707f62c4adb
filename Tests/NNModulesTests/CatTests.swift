import NNModules
import Testing

@Suite struct CatTests {
    @Test func joinsAlongADimensionWithPromotion() throws {
        let a = Tensor([1, 2, 3, 4], shape: [2, 2])
        let b = Tensor([5, 6], shape: [2, 1], dtype: .float64)
        let c = try Tensor.cat([a, b], dim: -1)
        #expect(c.sizes == [2, 3])
        #expect(c.dtype == .float64)
        #expect(try c.toDoubles() == [1, 2, 5, 3, 4, 6])
        #expect(try Tensor.cat([a, a]).sizes == [4, 2])
    }

    @Test func readsNonContiguousViews() throws {
        let a = try Tensor([1, 2, 3, 4], shape: [2, 2]).t()
        #expect(try Tensor.cat([a, a], dim: 0).toDoubles() == [1, 3, 2, 4, 1, 3, 2, 4])
    }

    @Test func metaGivesTheShapeOnly() throws {
        let c = try Tensor.cat([Tensor.empty([1, 1, 8], device: .meta), Tensor.empty([1, 196, 8], device: .meta)], dim: 1)
        #expect(c.sizes == [1, 197, 8])
        #expect(c.isMeta)
    }

    @Test func mismatchedSizesThrow() {
        #expect(throws: TorchError.self) { try Tensor.cat([Tensor.zeros([2, 2]), Tensor.zeros([3, 3])], dim: 0) }
    }
}
