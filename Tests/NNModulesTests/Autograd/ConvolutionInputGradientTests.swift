import Foundation
import NNModules
import Testing

/// A stride-1 convolution's input gradient is computed as a convolution with the flipped, transposed kernel
/// (on the forward's fast paths: Winograd for float32 3×3 with enough channels). It must agree with the
/// float64 result, whose every path the finite-difference checks cover.
@Suite struct ConvolutionInputGradientTests {
    func inputGradient(_ dtype: DType, channels: (Int, Int), kernel: Int, padding: Int, size: Int) throws -> [Double] {
        let conv = try Conv2d(channels.0, channels.1, kernelSize: .int(kernel), padding: .explicit(.int(padding)), dtype: .float64)
        try GradMode.noGrad {
            _ = try conv.weight!.copy_(GradCheck.input(conv.weight!.sizes, seed: 5))
            _ = try conv.bias!.copy_(GradCheck.input(conv.bias!.sizes, seed: 6))
        }
        try conv.to(dtype: dtype)
        let x = try GradCheck.input([2, channels.0, size, size], seed: 7).to(dtype: dtype).requiresGrad_()
        let y = try conv(x)
        try (try y * GradCheck.input(y.sizes, seed: 8).to(dtype: dtype)).sum().backward()
        return try #require(x.grad).toDoubles()
    }

    @Test(arguments: [(16, 32, 3, 1, 12), (16, 16, 3, 0, 13), (3, 8, 5, 2, 9), (8, 4, 3, 2, 7)])
    func float32AgreesWithFloat64(cin: Int, cout: Int, kernel: Int, padding: Int, size: Int) throws {
        let reference = try inputGradient(.float64, channels: (cin, cout), kernel: kernel, padding: padding, size: size)
        let single = try inputGradient(.float32, channels: (cin, cout), kernel: kernel, padding: padding, size: size)
        let scale = reference.map(abs).max() ?? 1
        let worst = zip(single, reference).map { abs($0 - $1) }.max() ?? .infinity
        #expect(single.count == reference.count)
        #expect(worst <= 1e-5 * max(1, scale), "worst |Δ| \(worst) of max \(scale)")
    }
}
