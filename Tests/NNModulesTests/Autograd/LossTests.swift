import Foundation
import NNModules
import Testing

@Suite struct LossTests {
    @Test func crossEntropyValueAndGradient() throws {
        let logits = try Tensor([1, 2, 3, 0, 0, 0], shape: [2, 3]).requiresGrad_()
        let targets = Tensor([2, 1], shape: [2], dtype: .int64)
        let loss = try CrossEntropyLoss().loss(logits, targets)
        let row0 = -(3 - Foundation.log(Foundation.exp(1.0) + Foundation.exp(2.0) + Foundation.exp(3.0)))
        let row1 = Foundation.log(3.0)
        #expect(abs(try loss.item() - (row0 + row1) / 2) < 1e-6)
        #expect(loss.gradFnName == "NllLossBackward0")
        try loss.backward()
        let grad = try #require(logits.grad).toDoubles()
        #expect(abs(grad[5] - (1.0 / 3) / 2) < 1e-6)
        #expect(abs(grad[4] - (1.0 / 3 - 1) / 2) < 1e-6)
    }

    @Test func crossEntropyIgnoresTargets() throws {
        let logits = Tensor([1, 2, 0, 0], shape: [2, 2])
        let loss = try CrossEntropyLoss(ignoreIndex: 0).loss(logits, Tensor([1, 0], shape: [2], dtype: .int64))
        #expect(abs(try loss.item() - Foundation.log(1 + Foundation.exp(-1.0))) < 1e-6)
    }

    @Test func mseValueAndGradient() throws {
        let x = try Tensor([1, 2, 3], shape: [3]).requiresGrad_()
        let y = Tensor([1, 0, 0], shape: [3])
        guard let loss = try MSELoss()(.tensor(x), .tensor(y)).tensor else { throw TorchError.typeError("no tensor") }
        #expect(abs(try loss.item() - 13.0 / 3) < 1e-6)
        try loss.backward()
        #expect(try #require(x.grad).toDoubles().map { ($0 * 1e6).rounded() / 1e6 } == [0, 4.0 / 3, 2].map { ($0 * 1e6).rounded() / 1e6 })
    }
}
