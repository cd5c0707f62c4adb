import Foundation
import NNModules
import Testing

/// Elementwise activations by hand (including the tanh-approximate GELU and Hardswish's corners), inplace on
/// views, and Softmax's explicit and implicit dimension.
@Suite struct ActivationTests {
    let x = tensor([-4, -1, 0, 1, 4, 7], [2, 3])

    @Test func valuesByHand() throws {
        try expectClose(try ReLU()(x), [0, 0, 0, 1, 4, 7])
        try expectClose(try ReLU6()(x), [0, 0, 0, 1, 4, 6])
        try expectClose(try LeakyReLU(0.1)(x), [-0.4, -0.1, 0, 1, 4, 7])
        try expectClose(try Hardswish()(x), [0, -1.0 / 3, 0, 2.0 / 3, 4, 7])
        try expectClose(try Sigmoid()(x), [-4, -1, 0, 1, 4, 7].map { 1 / (1 + exp(-$0)) })
        try expectClose(try Tanh()(x), [-4, -1, 0, 1, 4, 7].map { tanh($0) })
        try expectClose(try SiLU()(x), [-4, -1, 0, 1, 4, 7].map { $0 / (1 + exp(-$0)) })
        try expectClose(try GELU()(x), [-4, -1, 0, 1, 4, 7].map { 0.5 * $0 * (1 + erf($0 / 2.0.squareRoot())) })
        try expectClose(try GELU(approximate: "tanh")(x),
                        [-4, -1, 0, 1, 4, 7].map { 0.5 * $0 * (1 + tanh((2 / Double.pi).squareRoot() * ($0 + 0.044715 * $0 * $0 * $0))) })
        #expect(torchErrorMessage { try GELU(approximate: "fast") } == "approximate argument must be either none or tanh.")
    }

    @Test func inplaceWritesThroughAView() throws {
        let base = tensor([-1, 2, -3, 4], [2, 2])
        let column = try base.select(1, 0)
        let out = try ReLU(inplace: true)(column)
        #expect(out === column)
        #expect(try base.toDoubles() == [0, 2, 0, 4])
    }

    @Test func softmaxOverAGivenDimensionOfATransposedView() throws {
        let y = try Softmax(dim: 1)(try tensor([0, 0, 1, 2], [2, 2]).t())
        let e = exp(1.0), e2 = exp(2.0)
        try expectClose(y, [1 / (1 + e), e / (1 + e), 1 / (1 + e2), e2 / (1 + e2)])
    }

    @Test(arguments: [([4], 0), ([2, 3], 1), ([2, 3, 4], 0), ([2, 3, 4, 5], 1)])
    func implicitSoftmaxDimensionWarns(_ shape: [Int], _ dim: Int) throws {
        let input = Tensor.randn(shape)
        let (y, warnings) = try Warnings.capture { try Softmax()(input) }
        #expect(warnings.map(\.message) == ["Implicit dimension choice for softmax has been deprecated. Change the call to include dim=X as an argument."])
        try expectClose(y, try input.softmax(dim: dim))
    }

    @Test func softmaxOfAZeroDimensionalTensorIsOne() throws {
        #expect(try Softmax(dim: 0)(Tensor(scalar: 3)).item() == 1)
        let (y, warnings) = try Warnings.capture { try Softmax()(Tensor(scalar: -2)) }
        #expect(try y.item() == 1)
        #expect(warnings.count == 1)
    }

    @Test func metaAndEmpty() throws {
        #expect(try GELU()(Tensor.empty([2, 8], device: .meta)).isMeta)
        #expect(try ReLU()(Tensor.empty([0, 3])).sizes == [0, 3])
    }
}
