import Foundation
import NNModules
import Testing

/// BatchNorm1d/2d (batch statistics, running averages with momentum and cumulative averaging, eval, empty
/// batches), LayerNorm, GroupNorm and RMSNorm by hand, with PyTorch's input errors.
@Suite struct NormalizationTests {
    let eps = 1e-5

    @Test func batchNormTrainingUpdatesRunningStatistics() throws {
        let bn = BatchNorm1d(1)
        let y = try bn(tensor([1, 3], [2, 1]))
        try expectClose(y, [-1 / (1 + eps).squareRoot(), 1 / (1 + eps).squareRoot()])
        // Running mean 0.9·0 + 0.1·2; running variance 0.9·1 + 0.1·(unbiased variance 2).
        try expectClose(try #require(bn.runningMean), [0.2])
        try expectClose(try #require(bn.runningVar), [1.1])
        #expect(try bn.numBatchesTracked?.item() == 1)
    }

    @Test func momentumNoneIsACumulativeAverage() throws {
        let bn = BatchNorm1d(1, momentum: nil)
        _ = try bn(tensor([1, 3], [2, 1]))
        _ = try bn(tensor([3, 5], [2, 1]))
        try expectClose(try #require(bn.runningMean), [3])
        try expectClose(try #require(bn.runningVar), [2])
    }

    @Test func evalUsesRunningStatisticsAndAffine() throws {
        let bn = BatchNorm2d(2)
        try #require(bn.runningMean).copy_(tensor([1, -1], [2]))
        try #require(bn.runningVar).copy_(tensor([4, 0.25], [2]))
        try setParameter(bn, "weight", [2, 1])
        try setParameter(bn, "bias", [0, 10])
        bn.eval()
        let x = try tensor([3, 5, 0, 1], [1, 1, 2, 2]).expand([1, 2, 2, 2])
        let scale0 = 2 / (4 + eps).squareRoot(), scale1 = 1 / (0.25 + eps).squareRoot()
        try expectClose(try bn(x), [2 * scale0, 4 * scale0, -1 * scale0, 0, 4 * scale1 + 10, 6 * scale1 + 10, 1 * scale1 + 10, 2 * scale1 + 10])
        #expect(try bn.numBatchesTracked?.item() == 0)
    }

    @Test func withoutRunningStatisticsEvalStillNormalizesByTheBatch() throws {
        let bn = BatchNorm1d(2, affine: false, trackRunningStats: false)
        bn.eval()
        try expectClose(try bn(tensor([0, 10, 2, 30], [2, 2])), [-1, -1, 1, 1], tolerance: 1e-4)
    }

    @Test func batchNormEmptyBatchThreeDimensionalAndErrors() throws {
        let bn = BatchNorm2d(3)
        #expect(try bn(Tensor.empty([0, 3, 2, 2])).sizes == [0, 3, 2, 2])
        try expectClose(try #require(bn.runningMean), [0, 0, 0])
        #expect(try bn.numBatchesTracked?.item() == 1)
        let bn1d = BatchNorm1d(2)
        let x = Tensor.randn([4, 2, 5])
        try expectClose(try bn1d(try x.transpose(0, 2).contiguous().transpose(0, 2)), try BatchNorm1d(2)(x))
        #expect(torchErrorMessage { try BatchNorm1d(3)(Tensor.zeros([1, 3])) }
            == "Expected more than 1 value per channel when training, got input size torch.Size([1, 3])")
        #expect(torchErrorMessage { try bn(Tensor.zeros([3, 2, 2])) } == "expected 4D input (got 3D input)")
        #expect(torchErrorMessage { try bn(Tensor.zeros([2, 4, 2, 2])) } == "running_mean should contain 4 elements not 3")
        #expect(try bn(Tensor.empty([8, 3, 4, 4], device: .meta)).isMeta)
    }

    @Test func layerNormByHand() throws {
        let ln = LayerNorm(3)
        try setParameter(ln, "weight", [1, 2, 3])
        try setParameter(ln, "bias", [0, 0, 1])
        let inv = 1 / (2.0 / 3 + eps).squareRoot()
        // Rows [1, 2, 3] and [0, 0, 0] of a transposed view; a constant row normalizes to 0, leaving the bias.
        try expectClose(try ln(try tensor([1, 0, 2, 0, 3, 0], [3, 2]).t()), [-inv, 0, 3 * inv + 1, 0, 0, 1])
        let two = LayerNorm([2, 2], elementwiseAffine: false)
        try expectClose(try two(tensor([1, 1, 3, 3], [1, 2, 2])), [-1, -1, 1, 1], tolerance: 1e-4)
        #expect(torchErrorMessage { try ln(Tensor.zeros([2, 4])) }
            == "Given normalized_shape=[3], expected input with shape [*, 3], but got input of size[2, 4]")
    }

    @Test func groupNormNormalizesEachGroupOfChannels() throws {
        let gn = try GroupNorm(2, 4)
        try setParameter(gn, "weight", [1, 1, 2, 2])
        try setParameter(gn, "bias", [0, 0, 0, 1])
        // Group 0: channels 0–1 = [0, 2]; group 1: channels 2–3 = [5, 9]; each normalizes to ∓1.
        let y = try gn(tensor([0, 2, 5, 9], [1, 4]))
        let a = 1 / (1 + eps).squareRoot(), b = 2 / (4 + eps).squareRoot()
        try expectClose(y, [-a, a, -2 * b, 2 * b + 1])
        #expect(try gn(Tensor.empty([0, 4, 3])).sizes == [0, 4, 3])
        // Without affine parameters any channel count divisible by the groups is normalized.
        let s = 1 / (2.0 / 3 + eps).squareRoot()
        try expectClose(try GroupNorm(2, 4, affine: false)(tensor([0, 1, 2, 4, 5, 6], [1, 6])), [-s, 0, s, -s, 0, s])
        #expect(torchErrorMessage { try gn(Tensor.zeros([2, 6])) }
            == "Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [4] and input of shape [2, 6]")
        #expect(torchErrorMessage { try gn(Tensor.zeros([2, 5])) }
            == "Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 5] and num_groups=2")
        #expect(torchErrorMessage { try GroupNorm(1, 1)(Tensor.zeros([1, 1])) }
            == "Expected more than 1 value per channel when training, got input size [1, 1]")
    }

    @Test func rmsNormByHand() throws {
        let rms = RMSNorm(2)
        let x = tensor([3, 4], [1, 2])
        let scale = 1 / (12.5 + Double(Float.ulpOfOne)).squareRoot()
        try expectClose(try rms(x), [3 * scale, 4 * scale])
        let withEps = RMSNorm(2, eps: 0.5)
        try setParameter(withEps, "weight", [2, 1])
        try expectClose(try withEps(x), [6 / 13.0.squareRoot(), 4 / 13.0.squareRoot()])
        #expect(try rms(Tensor.empty([5, 2], device: .meta)).isMeta)
    }
}
