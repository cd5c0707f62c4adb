import Foundation
import NNModules
import Testing

/// In-place changes under autograd: the gradient goes through the operation that produced the new
/// values (in-place activations, dropout, copy_ into a tensor or into a view of one), and the changes
/// PyTorch forbids are errors with its messages.
@Suite struct InPlaceTests {
    @Test func inPlaceActivationsKeepTheirDerivative() throws {
        let x = GradCheck.input([3, 5], seed: 1)
        for (label, make) in [("ReLU", { ReLU(inplace: true) as Module }), ("SiLU", { SiLU(inplace: true) as Module }),
                              ("LeakyReLU", { LeakyReLU(0.1, inplace: true) as Module })] {
            let m = make()
            // `* 1` makes the input a computed tensor, which an in-place change may modify.
            try LayerGradCheck.check("\(label)(inplace=True)", m, inputs: [x]) { try m(try $0[0] * 1) }
        }
        let y = try Tensor.ones([2]).requiresGrad_() * 1
        let out = try ReLU(inplace: true)(y)
        #expect(out === y)
        #expect(y.gradFnName == "ReluBackward0")
        #expect(y.version == 1)
    }

    @Test func inPlaceDropoutKeepsItsDerivative() throws {
        let m = try Dropout(p: 0.5, inplace: true)
        try LayerGradCheck.check("Dropout(inplace=True)", m, inputs: [GradCheck.input([4, 4], seed: 2)]) { inputs in
            try DefaultGenerator.forkRNG(seed: 3) { try m(try inputs[0] * 1.5) }
        }
    }

    @Test func copyIntoAViewRebasesItsBase() throws {
        let w = GradCheck.input([2, 4], seed: 4)
        let f: ([Tensor]) throws -> Tensor = { x in
            let buffer = try x[1] * 1
            try buffer.narrow(1, start: 1, length: 2).copy_(try x[0].tanh())
            try buffer.select(0, 1).slice(0, start: 0, end: 4, step: 3).copy_(try x[0].select(1, 0).exp())
            return try buffer * w
        }
        try LayerGradCheck.check("copy_ into views (CopySlices)", Identity(), inputs: [GradCheck.input([2, 2], seed: 5), GradCheck.input([2, 4], seed: 6)], f)
        let base = try Tensor.zeros([2, 3]).requiresGrad_(false) * 1
        let view = try base.narrow(1, start: 0, length: 2)
        try view.copy_(try Tensor.ones([2, 2]).requiresGrad_())
        #expect(base.gradFnName == "CopySlices")
        #expect(view.gradFnName == "AsStridedBackward0")
        #expect(view.base === base)
    }

    @Test func copyIntoATensorWithBroadcastAndCast() throws {
        let f: ([Tensor]) throws -> Tensor = { x in
            let target = try x[1] * 2
            try target.copy_(try x[0] * 2)
            return try target * target
        }
        try LayerGradCheck.check("copy_ broadcast (CopyBackwards)", Identity(), inputs: [GradCheck.input([3], seed: 7), GradCheck.input([2, 3], seed: 8)], f)
        let target = try Tensor.zeros([2]).requiresGrad_() * 1
        try target.copy_(try Tensor.ones([2], dtype: .float64).requiresGrad_())
        #expect(target.gradFnName == "CopyBackwards")
    }

    @Test func fillOfAComputedTensorCutsItsHistory() throws {
        let x = try Tensor.ones([3]).requiresGrad_()
        let y = try x * 2
        try y.narrow(0, start: 0, length: 2).fill_(5)
        try (try y * 3).sum().backward()
        #expect(try x.grad?.toDoubles() == [0, 0, 6])
    }

    @Test func forbiddenChangesThrowPyTorchsErrors() throws {
        let leaf = try Tensor.ones([3]).requiresGrad_()
        #expect(throws: TorchError.runtimeError("a leaf Variable that requires grad is being used in an in-place operation.")) {
            try leaf.copy_(Tensor.zeros([3]))
        }
        #expect(throws: TorchError.runtimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")) {
            try leaf.narrow(0, start: 0, length: 2).copy_(Tensor.zeros([2]))
        }
        #expect(throws: TorchError.runtimeError("a leaf Variable that requires grad is being used in an in-place operation.")) {
            try ReLU(inplace: true)(leaf)
        }
        let computed = try leaf * 1
        let quiet = try GradMode.noGrad { try computed.narrow(0, start: 0, length: 2) }
        #expect(throws: TorchError.runtimeError("A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).")) {
            try quiet.copy_(try Tensor.ones([2]).requiresGrad_())
        }
        // Under no_grad the same changes are plain writes (optimizers, load_state_dict).
        try GradMode.noGrad { try leaf.copy_(Tensor.full([3], 2)) }
        #expect(try leaf.toDoubles() == [2, 2, 2])
        #expect(leaf.isLeaf && leaf.version == 1)
    }
}

/// Saved tensors: a backward formula that reads a value changed in place since refuses, with PyTorch's
/// message; formulas that read the result (exp, relu, softmax, ...) do not mind their input changing.
@Suite struct SavedTensorVersionTests {
    @Test func changedSavedInputStopsBackward() throws {
        let x = try Tensor.ones([3]).requiresGrad_()
        let a = try x * 2, b = try Tensor.full([3], 3).requiresGrad_()
        let product = try a * b
        _ = try ReLU(inplace: true)(a)
        #expect(throws: TorchError.runtimeError("one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of MulBackward0, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).")) {
            try product.sum().backward()
        }
    }

    @Test func formulasReadingTheResultIgnoreInputChanges() throws {
        let x = try Tensor([0.5, -1, 2], shape: [3], dtype: .float64).requiresGrad_()
        let a = try x * 1
        let y = try a.exp() + a.softmax(dim: 0) + a.tanh()
        try a.fill_(7)
        try y.sum().backward()
        let reference = try Tensor([0.5, -1, 2], shape: [3], dtype: .float64).requiresGrad_()
        try (try reference.exp() + reference.softmax(dim: 0) + reference.tanh()).sum().backward()
        #expect(try x.grad?.toDoubles() == reference.grad?.toDoubles())
    }

    @Test func changedSavedOutputStopsBackward() throws {
        let x = try Tensor.ones([2, 2]).requiresGrad_()
        let y = try x.sigmoid()
        try y.copy_(Tensor.zeros([2, 2]))
        #expect(throws: TorchError.runtimeError("one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [2, 2]], which is output 0 of SigmoidBackward0, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).")) {
            try y.sum().backward()
        }
    }
}

/// Outputs of operations computed internally under no_grad are fresh tensors to the caller: an in-place
/// activation right after them is allowed (VGG's `Linear, ReLU(inplace=True)`).
@Suite struct InPlaceAfterOperationsTests {
    @Test func inPlaceActivationAfterEachKindOfLayer() throws {
        let linear = Linear(3, 4, dtype: .float64)
        let x = GradCheck.input([2, 2, 3], seed: 9)
        let cases: [(String, Module, (Tensor) throws -> Tensor)] = [
            ("Linear 3-D", linear, { try linear($0) }),
            ("matmul vector", Identity(), { try $0.matmul(GradCheck.input([3], seed: 1)) }),
            ("softmax", Identity(), { try $0.softmax(dim: -1) * 1 }),
        ]
        for (label, module, f) in cases {
            let relu = ReLU(inplace: true)
            try LayerGradCheck.check("\(label) then ReLU(inplace=True)", module, inputs: [x]) { try relu(try f($0[0])) }
        }
    }
}
