import NNModules
import Testing

@Suite struct MeanOverDimsTests {
    @Test func averagesTheGivenDimensions() throws {
        let x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect(try x.mean(dim: -1).toDoubles() == [2, 5])
        #expect(try x.mean(dim: 0, keepdim: true).sizes == [1, 3])
        #expect(try x.mean(dim: 0, keepdim: true).toDoubles() == [2.5, 3.5, 4.5])
        #expect(try x.mean(dims: [0, 1]).toDoubles() == [3.5])
        #expect(try x.mean(dims: [0, 1]).sizes == [])
    }

    @Test func spatialMeanOfAnImageBatch() throws {
        let x = Tensor((0..<16).map(Double.init), shape: [1, 2, 2, 4])
        let pooled = try x.mean(dims: [2, 3])
        #expect(pooled.sizes == [1, 2])
        #expect(try pooled.toDoubles() == [3.5, 11.5])
        #expect(try Tensor.empty([1, 16, 64], device: .meta).mean(dim: -1, keepdim: true).sizes == [1, 16, 1])
    }

    @Test func integersAreRejected() {
        #expect(throws: TorchError.self) { try Tensor.arange(0, 4).mean(dim: 0) }
    }
}
