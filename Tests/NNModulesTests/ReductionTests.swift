import NNModules
import Testing

/// Reduction.swift: mean, sum, var, amax/amin, argmax over dimensions.
@Suite struct ReductionTests {
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

    @Test func sumVarianceExtremaAndArgmax() throws {
        let x = Tensor([3, -1, 7, 2, 2, -5], shape: [2, 3])
        #expect(try x.sum().toDoubles() == [8])
        #expect(try x.sum(dims: [0]).toDoubles() == [5, 1, 2])
        #expect(try x.transpose(0, 1).sum(dims: [1]).toDoubles() == [5, 1, 2])
        #expect(KernelTests.close(try x.variance(dims: [1]).toDoubles(), [16, 49.0 / 3]))
        #expect(try x.variance(dims: [1], correction: 0).toDoubles().map { ($0 * 3).rounded() } == [32, 33])
        #expect(try x.amax(dims: [1]).toDoubles() == [7, 2])
        #expect(try x.amin().toDoubles() == [-5])
        #expect(try x.argmax(dim: 1).toDoubles() == [2, 0])
        #expect(try x.argmax(dim: 1).dtype == .int64)
        #expect(try x.argmax().toDoubles() == [2])
        #expect(try Tensor.arange(0, 5).sum().dtype == .int64)
    }

    @Test func nanPropagatesThroughMaxAndArgmax() throws {
        let x = Tensor([1, .nan, 3], shape: [3])
        #expect(try x.amax().toDoubles()[0].isNaN)
        #expect(try x.argmax().toDoubles() == [1])
    }
}
