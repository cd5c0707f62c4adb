import NNModules
import Testing

/// Differentiable operations built on the public recording API, the way a `torch.autograd.Function`
/// subclass defines its forward and backward.
enum TestOps {
    static func square(_ x: Tensor) throws -> Tensor {
        let y = Tensor(try x.toDoubles().map { $0 * $0 }, shape: x.sizes, dtype: x.dtype)
        Tensor.recordOperation("PowBackward0", inputs: [x], outputs: [y]) { grads in
            [try grads[0].map { try $0 * (try x * 2.0) }]
        }
        return y
    }

    static func add(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let y = try GradMode.noGrad { try a + b }
        Tensor.recordOperation("AddBackward0", inputs: [a, b], outputs: [y]) { grads in [grads[0], grads[0]] }
        return y
    }

    static func scale(_ x: Tensor, _ factor: Double) throws -> Tensor {
        let y = try GradMode.noGrad { try x * factor }
        Tensor.recordOperation("MulBackward0", inputs: [x], outputs: [y]) { grads in [try grads[0].map { try $0 * factor }] }
        return y
    }

    static func sum(_ x: Tensor) throws -> Tensor {
        let y = try GradMode.noGrad { try x.sum() }
        Tensor.recordOperation("SumBackward0", inputs: [x], outputs: [y]) { grads in
            [try grads[0].map { try $0.expand(x.sizes).contiguous() }]
        }
        return y
    }
}

/// A module computing `x * factor` with a recorded node, for hook tests.
final class Scale: Module {
    let factor: Double
    init(_ factor: Double) {
        self.factor = factor
        super.init()
    }
    override func forward(_ input: Tensor) throws -> Tensor { try TestOps.scale(input, factor) }
}

@Suite struct EngineTests {
    @Test func gradientsFlowToLeavesAndAccumulate() throws {
        let x = try Tensor([1, 2, 3], shape: [3]).requiresGrad_()
        let loss = try TestOps.sum(try TestOps.square(x))
        #expect(loss.gradFnName == "SumBackward0")
        #expect(!loss.isLeaf && x.isLeaf)
        try loss.backward()
        #expect(try x.grad?.toDoubles() == [2, 4, 6])
        try TestOps.sum(try TestOps.square(x)).backward()
        #expect(try x.grad?.toDoubles() == [4, 8, 12], "a second backward accumulates into .grad")
    }

    @Test func diamondGraphSumsBothPaths() throws {
        let x = try Tensor([1, -2], shape: [2]).requiresGrad_()
        let y = try TestOps.add(try TestOps.square(x), try TestOps.scale(x, 3))
        try TestOps.sum(y).backward()
        #expect(try x.grad?.toDoubles() == [5, -1])
    }

    @Test func noGradRecordsNothing() throws {
        let x = try Tensor([1], shape: [1]).requiresGrad_()
        let y = try GradMode.noGrad { try TestOps.square(x) }
        #expect(y.gradFn == nil && !y.requiresGrad)
        #expect(throws: TorchError.runtimeError("element 0 of tensors does not require grad and does not have a grad_fn")) {
            try y.backward()
        }
    }

    @Test func backwardTwiceWithoutRetainGraphFails() throws {
        let x = try Tensor([2], shape: [1]).requiresGrad_()
        let y = try TestOps.sum(try TestOps.square(x))
        try y.backward()
        #expect(throws: TorchError.self) { try y.backward() }
        let z = try TestOps.sum(try TestOps.square(x))
        try z.backward(retainGraph: true)
        try z.backward()
        #expect(try x.grad?.toDoubles() == [12])
    }

    @Test func nonScalarBackwardNeedsAGradient() throws {
        let x = try Tensor([1, 2], shape: [2]).requiresGrad_()
        let y = try TestOps.square(x)
        #expect(throws: TorchError.runtimeError("grad can be implicitly created only for scalar outputs")) { try y.backward() }
        try y.backward(gradient: Tensor([1, 1], shape: [2]))
        #expect(try x.grad?.toDoubles() == [2, 4])
    }

    @Test func zeroGradSetsToNoneOrZero() throws {
        let m = Scale(2)
        let p = Parameter(Tensor([1, 1], shape: [2]))
        try m.registerParameter("w", p)
        try TestOps.sum(try TestOps.square(p)).backward()
        try m.zeroGrad(setToNone: false)
        #expect(try p.grad?.toDoubles() == [0, 0])
        try m.zeroGrad()
        #expect(p.grad == nil)
    }
}

@Suite struct ModuleBackwardHookTests {
    func hookedNet() throws -> (Sequential, Box) {
        let net = Sequential(Scale(2), Scale(3), Scale(4))
        let calls = Box()
        for (name, module) in net.namedModules() {
            let n = name.isEmpty ? "<root>" : name
            module.registerFullBackwardPreHook { _, gradOutput in
                calls.items.append("pre \(n) \(gradOutput.map { $0?.sizes ?? [] })")
                return nil
            }
            try module.registerFullBackwardHook { _, gradInput, gradOutput in
                calls.items.append("full \(n) \(gradInput.map { $0?.sizes ?? [-1] })")
                return nil
            }
        }
        return (net, calls)
    }

    final class Box { var items: [String] = [] }

    @Test func hooksFireInPyTorchsOrder() throws {
        let (net, calls) = try hookedNet()
        let x = try Tensor.ones([5, 2]).requiresGrad_()
        try TestOps.sum(try net(x)).backward()
        #expect(calls.items == ["pre <root> [[5, 2]]", "pre 2 [[5, 2]]", "full 2 [[5, 2]]", "pre 1 [[5, 2]]",
                                "full 1 [[5, 2]]", "pre 0 [[5, 2]]", "full 0 [[5, 2]]", "full <root> [[5, 2]]"])
        #expect(try x.grad?.toDoubles() == [Double](repeating: 24, count: 10))
    }

    @Test func inputWithoutGradFiresTheFullHookEarlyWithNone() throws {
        /// `x * w` with a learnable `w`: the output requires grad even when the input does not.
        final class ScaleByParameter: Module {
            init(weight: Double) throws {
                super.init()
                try registerParameter("w", Parameter(Tensor.full([1], weight)))
            }
            override func forward(_ input: Tensor) throws -> Tensor {
                guard let w = parameter("w") else { throw TorchError.attributeError("w") }
                let y = try GradMode.noGrad { try input * w }
                Tensor.recordOperation("MulBackward0", inputs: [input, w], outputs: [y]) { grads in
                    [try grads[0].map { try $0 * w }, try grads[0].map { try ($0 * input).sumTo(w.sizes) }]
                }
                return y
            }
        }
        let net = Sequential(try ScaleByParameter(weight: 2), Scale(3), Scale(4))
        let calls = Box()
        for (name, module) in net.namedModules() {
            let n = name.isEmpty ? "<root>" : name
            module.registerFullBackwardPreHook { _, _ in
                calls.items.append("pre \(n)")
                return nil
            }
            try module.registerFullBackwardHook { _, gradInput, _ in
                calls.items.append("full \(n) \(gradInput.map { $0 == nil ? "None" : "grad" })")
                return nil
            }
        }
        let (_, warnings) = try Warnings.capture { try TestOps.sum(try net(Tensor.ones([5, 2]))).backward() }
        #expect(calls.items == ["pre <root>", "full <root> [\"None\"]", "pre 2", "full 2 [\"grad\"]", "pre 1",
                                "full 1 [\"grad\"]", "pre 0", "full 0 [\"None\"]"])
        #expect(warnings.map(\.message).allSatisfy { $0.hasPrefix("Full backward hook is firing when gradients are computed with respect to module outputs since no inputs require gradients.") })
        #expect(!warnings.isEmpty)
        #expect(try net.parameters()[0].grad?.toDoubles() == [120])
    }

    @Test func fullHookMayReplaceGradInput() throws {
        let m = Scale(5)
        try m.registerFullBackwardHook { _, gradInput, _ in
            try gradInput.map { try $0.map { try $0 * 0.0 + 7.0 } }
        }
        let x = try Tensor.ones([1, 2]).requiresGrad_()
        try TestOps.sum(try m(x)).backward()
        #expect(try x.grad?.toDoubles() == [7, 7])
    }

    @Test func preHookMayReplaceGradOutput() throws {
        let m = Scale(1)
        m.registerFullBackwardPreHook { _, gradOutput in try gradOutput.map { try $0.map { try $0 * 3.0 } } }
        let x = try Tensor.ones([1, 2]).requiresGrad_()
        try TestOps.sum(try m(x)).backward()
        #expect(try x.grad?.toDoubles() == [3, 3])
    }

    @Test func legacyHookWarnsAndSeesTheLastNode() throws {
        let m = Scale(2)
        let seen = Box()
        try m.registerBackwardHook { _, gradInput, gradOutput in
            seen.items.append("\(gradInput.count) \(gradOutput.count)")
            return nil
        }
        let x = try Tensor.ones([3]).requiresGrad_()
        let (_, warnings) = try Warnings.capture { try TestOps.sum(try m(x)).backward() }
        #expect(seen.items == ["1 1"])
        #expect(warnings.map(\.category) == ["FutureWarning"])
    }
}

@Suite struct EmptyAndScalarViewTests {
    @Test func tensorsWithNoElementsAreContiguousAndViewable() throws {
        let t = Tensor.empty([5, 0, 3])
        #expect(t.isContiguous)
        #expect(try t.view([0, 15]).sizes == [0, 15])
    }

    @Test func zeroDimensionalTransposeAndSoftmax() throws {
        let s = Tensor(scalar: 2.5)
        #expect(try s.transpose(0, -1).sizes == [])
        #expect(try s.softmax(dim: 0).item() == 1)
    }
}

/// AccumulateGrad takes a fresh gradient as `.grad` without a copy only when nothing else can see it.
@Suite struct GradientStealingTests {
    @Test func aGradientTheUserHoldsIsCopied() throws {
        let x = try Tensor.zeros([3]).requiresGrad_()
        let seed = Tensor.ones([3])
        try x.backward(gradient: seed)
        let grad = try #require(x.grad)
        #expect(grad !== seed && grad.dataPointer != seed.dataPointer)
        try GradMode.noGrad { _ = try seed.fill_(5) }
        #expect(try grad.toDoubles() == [1, 1, 1])
    }

    @Test func oneGradientReachingTwoLeavesGivesEachItsOwn() throws {
        let a = try Tensor.zeros([2]).requiresGrad_(), b = try Tensor.zeros([2]).requiresGrad_()
        try (try a + b).sum().backward()
        let ga = try #require(a.grad), gb = try #require(b.grad)
        #expect(ga.dataPointer != gb.dataPointer, "AddBackward0 hands the same tensor to both edges")
        try (try a * 3.0).sum().backward()
        #expect(try a.grad?.toDoubles() == [4, 4] && b.grad?.toDoubles() == [1, 1], "accumulating into a's grad leaves b's alone")
    }

    @Test func aFreshGradientIsTakenAsIs() throws {
        let w = try Tensor.zeros([4, 4]).requiresGrad_()
        let x = Tensor.ones([2, 4])
        try (try x.matmul(w)).sum().backward()
        #expect(try w.grad?.toDoubles() == [Double](repeating: 2, count: 16))
    }
}
