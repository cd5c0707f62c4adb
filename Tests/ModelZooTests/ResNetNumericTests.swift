import Checkpoints
import Foundation
import GoldenSupport
import ModelZoo
import NNModules
import Testing

/// resnet18 with the goldens' float16 weights (widened exactly to float32) reproduces torchvision's logits
/// in eval mode, BatchNorm running statistics included. About ten seconds in a debug build (1.8 GMACs through
/// the reference kernels), so it runs only with `NNTOP_SLOW_TESTS=1`.
@Suite struct ResNetNumericTests {
    static let enabled = ProcessInfo.processInfo.environment["NNTOP_SLOW_TESTS"] == "1"

    @Test(.enabled(if: enabled)) func resnet18MatchesTorchvision() throws {
        // Built on meta and given empty storage: the loaded weights replace every value anyway.
        let model = try #require(Zoo.model(named: "resnet18")).build(on: .meta).toEmpty(device: .cpu).eval()
        let weights = try Checkpoint.open(Goldens.url("numeric/resnet18_fp16/weights.safetensors"))
        let result = try model.loadStateDict(StateDict(checkpoint: weights))
        #expect(result.missingKeys.isEmpty && result.unexpectedKeys.isEmpty)
        let input = try #require(try Goldens.tensors("numeric/resnet18_fp16/input.safetensors")["input"])
        let logits = try model(Tensor(input.elementValues(), shape: input.shape))
        let golden = try #require(try Goldens.tensors("numeric/resnet18_fp16/output.safetensors")["output"])
        #expect(logits.sizes == golden.shape)
        let worst = zip(try logits.toDoubles(), golden.elementValues()).map { Swift.abs($0 - $1) - 1e-4 * Swift.abs($1) }.max() ?? 0
        #expect(worst <= 1e-4, "largest excess over rtol 1e-4: \(worst)")
    }
}
