import Foundation
import NNModules
import Testing

/// `inplace=True` activations inside a recorded graph (torchvision's ResNet and MobileNet use them): the
/// gradient goes through the activation's derivative at the original values, and the overwritten input
/// becomes the activation's output in the graph, as PyTorch's in-place semantics say.
@Suite struct InPlaceActivationTests {
    func gradients(inplace: Bool, _ activation: (Bool) throws -> Module) throws -> (input: [Double], weight: [Double], gradFn: String?) {
        let linear = Linear(3, 4, dtype: .float64)
        try GradMode.noGrad {
            _ = try linear.weight!.copy_(GradCheck.input([4, 3], seed: 21))
            _ = try linear.bias!.copy_(GradCheck.input([4], seed: 24))
        }
        let model = Sequential(linear, try activation(inplace))
        let x = try GradCheck.input([5, 3], seed: 22).requiresGrad_()
        let out = try model(x)
        try (try out * GradCheck.input([5, 4], seed: 23)).sum().backward()
        // PyTorch's graph: the activation's node follows the Linear's directly (no clone in between).
        #expect(out.gradFn?.nextEdges.first??.node.name == "AddmmBackward0", "\(String(describing: out.gradFn?.nextEdges.first??.node.name))")
        return (try #require(x.grad).toDoubles(), try #require(linear.weight?.grad).toDoubles(), out.gradFnName)
    }

    @Test(arguments: ["ReLU", "ReLU6", "LeakyReLU", "SiLU", "Hardswish"])
    func inPlaceGivesTheSameGradientsAsOutOfPlace(name: String) throws {
        let make: (Bool) throws -> Module = { inplace in
            switch name {
            case "ReLU": return ReLU(inplace: inplace)
            case "ReLU6": return ReLU6(inplace: inplace)
            case "LeakyReLU": return LeakyReLU(0.1, inplace: inplace)
            case "SiLU": return SiLU(inplace: inplace)
            default: return Hardswish(inplace: inplace)
            }
        }
        let reference = try gradients(inplace: false, make)
        let inPlace = try gradients(inplace: true, make)
        #expect(inPlace.input == reference.input, "\(name) input gradient")
        #expect(inPlace.weight == reference.weight, "\(name) weight gradient")
        #expect(inPlace.gradFn == reference.gradFn, "the overwritten tensor's grad_fn is the activation's")
        #expect(reference.input.contains { $0 != 0 })
    }

    @Test func inPlaceOnALeafThatRequiresGradIsRefused() throws {
        let x = try Tensor.ones([2]).requiresGrad_()
        #expect(throws: TorchError.runtimeError("a leaf Variable that requires grad is being used in an in-place operation.")) {
            try ReLU(inplace: true)(x)
        }
    }
}
