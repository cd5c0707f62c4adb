import NNModules
import Testing

@Suite struct TriangularTests {
    @Test func triuAndTrilKeepTheirTriangle() throws {
        let x = Tensor.ones([3, 3])
        #expect(try x.triu(diagonal: 1).toDoubles() == [0, 1, 1, 0, 0, 1, 0, 0, 0])
        #expect(try x.tril().toDoubles() == [1, 0, 0, 1, 1, 0, 1, 1, 1])
        #expect(try x.tril(diagonal: -1).toDoubles() == [0, 0, 0, 1, 0, 0, 1, 1, 0])
    }

    @Test func batchedAndRectangular() throws {
        let x = Tensor.ones([2, 2, 3])
        #expect(try x.triu().toDoubles() == [1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1])
        #expect(try Tensor.empty([4, 5], device: .meta).triu().sizes == [4, 5])
    }
}
