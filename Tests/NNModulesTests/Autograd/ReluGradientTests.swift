import Foundation
import NNModules
import Testing

/// ReLU's float32 gradient is PyTorch's `threshold_backward(grad, result, 0)`: the upstream gradient where
/// the result is positive and 0 elsewhere, zero inputs included, a NaN gradient of a negative input too
/// (a select, not a multiplication by 0); large tensors (split across threads) agree element by element.
@Suite struct ReluGradientTests {
    @Test func gradientPassesWhereTheResultIsPositive() throws {
        let x = try Tensor([-1, 2, 0, 3, -0.5], shape: [5], dtype: .float32).requiresGrad_()
        try x.relu().backward(gradient: Tensor([.nan, 3, 5, -2, 7], shape: [5], dtype: .float32))
        #expect(try #require(x.grad).toDoubles() == [0, 3, 0, -2, 0])
    }

    @Test func largeTensorsMatchTheDefinition() throws {
        let values = Tensor.randn([3, 70_001])
        let x = try values.detach().requiresGrad_()
        let upstream = Tensor.randn([3, 70_001])
        try x.relu().backward(gradient: upstream)
        let expected = zip(try values.toDoubles(), try upstream.toDoubles()).map { $0 > 0 ? $1 : 0 }
        #expect(try #require(x.grad).toDoubles() == expected)
    }
}
