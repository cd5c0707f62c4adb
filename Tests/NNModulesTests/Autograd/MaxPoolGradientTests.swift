import Foundation
import NNModules
import Testing

/// Where max pooling sends its gradient, by hand: the first of tied maxima, the last NaN (PyTorch's CPU
/// kernel compares `val > max || isnan(val)`), summed where overlapping windows pick the same position.
@Suite struct MaxPoolGradientTests {
    func inputGradient(_ values: [Double], shape: [Int], kernel: Int, stride: Int, padding: Int = 0) throws -> [Double] {
        let x = try Tensor(values, shape: shape, dtype: .float32).requiresGrad_()
        let y = try Tensor.maxPool2d(x, kernel: [kernel, kernel], stride: [stride, stride], padding: [padding, padding],
                                     dilation: [1, 1], ceilMode: false)
        try y.sum().backward()
        return try #require(x.grad).toDoubles()
    }

    @Test func tiesGoToTheFirstPosition() throws {
        #expect(try inputGradient([1, 3, 3, 2], shape: [1, 1, 2, 2], kernel: 2, stride: 2) == [0, 1, 0, 0])
    }

    @Test func theLastNaNWins() throws {
        #expect(try inputGradient([.nan, 1, .nan, 2], shape: [1, 1, 2, 2], kernel: 2, stride: 2) == [0, 0, 1, 0])
    }

    @Test func overlappingWindowsSumAtTheSharedMaximum() throws {
        // 3×3 with a peak in the middle: all four 2×2 windows (stride 1) pick it.
        let grad = try inputGradient([0, 0, 0, 0, 9, 0, 0, 0, 0], shape: [1, 1, 3, 3], kernel: 2, stride: 1)
        #expect(grad == [0, 0, 0, 0, 4, 0, 0, 0, 0])
    }

    @Test func paddingNeverReceivesGradient() throws {
        let grad = try inputGradient([-5, -6, -7, -8], shape: [1, 1, 2, 2], kernel: 3, stride: 2, padding: 1)
        #expect(grad == [1, 0, 0, 0], "padding is -inf, so the in-bounds maximum -5 wins")
    }
}
