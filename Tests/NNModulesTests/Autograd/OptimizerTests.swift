import Foundation
import NNModules
import Testing

/// Optimizer steps against values worked out by hand from PyTorch's update rules.
@Suite struct OptimizerTests {
    @Test func sgdWithMomentum() throws {
        let p = Parameter(Tensor([1, 2], shape: [2]))
        let sgd = SGD([p], lr: 0.1, momentum: 0.9)
        p.grad = Tensor([1, -1], shape: [2])
        try sgd.step()
        #expect(try p.toDoubles().enumerated().allSatisfy { abs($0.element - [0.9, 2.1][$0.offset]) < 1e-6 })
        p.grad = Tensor([1, -1], shape: [2])
        try sgd.step()
        // buffer = 0.9·1 + 1 = 1.9 → 0.9 − 0.19
        #expect(abs(try p.toDoubles()[0] - 0.71) < 1e-6)
    }

    @Test func adamWFirstStepMovesByLearningRate() throws {
        let p = Parameter(Tensor([1, -1], shape: [2]))
        let adam = AdamW([p], lr: 0.01, weightDecay: 0.1)
        p.grad = Tensor([0.5, -2], shape: [2])
        try adam.step()
        // decay: p·(1 − 0.001); first step: m̂/√v̂ = sign(g) → p − lr·sign(g)/(1 + eps/|g|)
        let expected = [1 * 0.999 - 0.01, -1 * 0.999 + 0.01]
        for (a, b) in zip(try p.toDoubles(), expected) { #expect(abs(a - b) < 1e-6) }
    }

    @Test func frozenParametersAreNotUpdated() throws {
        let frozen = Parameter(Tensor([1], shape: [1]), requiresGrad: false)
        let trainable = Parameter(Tensor([1], shape: [1]))
        frozen.grad = Tensor([1], shape: [1])
        trainable.grad = Tensor([1], shape: [1])
        try SGD([frozen, trainable], lr: 1).step()
        #expect(try frozen.toDoubles() == [1])
        #expect(try trainable.toDoubles() == [0])
    }

    @Test func zeroGradClearsOrZeroes() throws {
        let p = Parameter(Tensor([1], shape: [1]))
        let opt = SGD([p], lr: 1)
        p.grad = Tensor([3], shape: [1])
        try opt.zeroGrad(setToNone: false)
        #expect(try p.grad?.toDoubles() == [0])
        try opt.zeroGrad()
        #expect(p.grad == nil)
    }
}
