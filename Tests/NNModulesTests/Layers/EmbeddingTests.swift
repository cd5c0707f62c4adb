import NNModules
import Testing

/// Embedding: row lookup for any index shape (also non-contiguous), padding_idx, max_norm renormalizing
/// looked-up rows in place, meta, empty and PyTorch's errors.
@Suite struct EmbeddingTests {
    @Test func looksUpRowsForAnyIndexShape() throws {
        let e = try Embedding(4, 2)
        try setParameter(e, "weight", [0, 1, 10, 11, 20, 21, 30, 31])
        let indices = try tensor([3, 0, 1, 1], [2, 2], .int64).t()
        let y = try e(indices)
        #expect(y.sizes == [2, 2, 2])
        try expectClose(y, [30, 31, 10, 11, 0, 1, 10, 11])
        #expect(try e(Tensor.empty([0], dtype: .int64)).sizes == [0, 2])
        #expect(try e(Tensor.empty([3, 5], dtype: .int64, device: .meta)).sizes == [3, 5, 2])
    }

    @Test func paddingIdxRowStartsAtZero() throws {
        let e = try Embedding(5, 3, paddingIdx: -1)
        #expect(e.paddingIdx == 4)
        try expectClose(try e(tensor([4], [1], .int64)), [0, 0, 0])
    }

    @Test func maxNormRescalesLookedUpRowsInPlace() throws {
        let e = try Embedding(3, 2, maxNorm: 1)
        try setParameter(e, "weight", [3, 4, 0.3, 0.4, 6, 8])
        let y = try e(tensor([0, 1, 0], [3], .int64))
        let s = 1 / (5 + 1e-7)
        try expectClose(y, [3 * s, 4 * s, 0.3, 0.4, 3 * s, 4 * s])
        try expectClose(try #require(e.weight), [3 * s, 4 * s, 0.3, 0.4, 6, 8])
        let l1 = try Embedding(1, 2, maxNorm: 1, normType: 1)
        try setParameter(l1, "weight", [3, 4])
        try expectClose(try l1(tensor([0], [1], .int64)), [3 / (7 + 1e-7), 4 / (7 + 1e-7)])
    }

    @Test func errorsAreTorchs() throws {
        let e = try Embedding(3, 2)
        #expect(torchErrorMessage { try e(tensor([3], [1], .int64)) } == "index out of range in self")
        #expect(torchErrorMessage { try e(tensor([1], [1])) }
            == "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding)")
    }
}
