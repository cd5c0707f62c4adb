import NNModules
import Synchronization
import Testing

/// api_cases.json: forward pre-hooks and hooks, handles, global hooks and backward-hook registration.
@Suite("api_cases: hooks")
struct HookCaseTests {
    @Test func forward_pre_hook_single_value() throws {
        let golden = try ApiCase.named("forward_pre_hook_single_value")
        let m = Identity()
        let out = PythonStdout()
        m.registerForwardPreHook { _, args in
            out.print("pre args", Value.tuple(args).typeName, String(args.count))
            return .tensor(try #require(args[0].tensor) * 2)
        }
        out.print(try m(Tensor.ones([2])).description)
        golden.expectStdout(out)
    }

    /// forward_pre_hook_tuple_and_none's `Add`: `forward(a, b)`.
    final class Add: Module, @unchecked Sendable {
        override func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
            guard args.count == 2, let a = args[0].tensor, let b = args[1].tensor else {
                throw TorchError.typeError("Add.forward() takes 3 positional arguments but \(args.count + 1) were given")
            }
            return .tensor(try a + b)
        }
    }

    @Test func forward_pre_hook_tuple_and_none() throws {
        let golden = try ApiCase.named("forward_pre_hook_tuple_and_none")
        let m = Add()
        m.registerForwardPreHook { _, _ in nil }
        m.registerForwardPreHook { _, args in .tuple([args[1], args[1]]) }
        let out = PythonStdout()
        out.print(try m(.tensor(Tensor(scalar: 1.0)), .tensor(Tensor(scalar: 10.0))).description)
        golden.expectStdout(out)
    }

    @Test
    func forward_hook_modify_output() throws {
        let golden = try ApiCase.named("forward_hook_modify_output")
        let m = Linear(1, 1)
        try #require(m.weight).fill_(2.0)
        try #require(m.bias).fill_(0.0)
        let out = PythonStdout()
        m.registerForwardHook { _, args, output in
            out.print("hook1", Value.tuple(args).description, output.description)
            return nil
        }
        m.registerForwardHook { _, _, output in .tensor(try #require(output.tensor) + 100) }
        m.registerForwardHook { _, _, output in
            out.print("hook3 sees", output.description)
            return nil
        }
        out.print(try m(Tensor.ones([1])).description)
        golden.expectStdout(out)
    }

    @Test func hook_prepend_order() throws {
        let golden = try ApiCase.named("hook_prepend_order")
        let m = Identity()
        var calls: [String] = []
        m.registerForwardPreHook { _, _ in calls.append("preA"); return nil }
        m.registerForwardPreHook { _, _ in calls.append("preB"); return nil }
        m.registerForwardPreHook(prepend: true) { _, _ in calls.append("preC_prepend"); return nil }
        m.registerForwardHook { _, _, _ in calls.append("postA"); return nil }
        m.registerForwardHook(prepend: true) { _, _, _ in calls.append("postB_prepend"); return nil }
        _ = try m(Tensor.zeros([1]))
        golden.expectResult(pyStrings(calls))
    }

    /// hook_with_kwargs's `Scale`: `forward(x, factor=1.0)`.
    final class Scale: Module, @unchecked Sendable {
        override func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
            guard let x = args.first?.tensor else { throw TorchError.typeError("Scale.forward() missing 1 required positional argument: 'x'") }
            guard case .double(let factor) = kwargs["factor"] ?? .double(1.0) else {
                throw TorchError.typeError("factor must be a float")
            }
            return .tensor(try x * factor)
        }
    }

    @Test func hook_with_kwargs() throws {
        let golden = try ApiCase.named("hook_with_kwargs")
        let m = Scale()
        let out = PythonStdout()
        m.registerForwardPreHook(withKwargs: { _, args, kwargs in
            out.print("pre", Value.tuple(args).description, Value.dict(kwargs).description)
            guard case .double(let factor) = kwargs["factor"] ?? .double(1.0) else { return nil }
            return .tuple([.tuple(args), .dict(["factor": .double(factor * 10)])])
        })
        m.registerForwardHook(withKwargs: { _, args, kwargs, output in
            out.print("post", Value.tuple(args).description, Value.dict(kwargs).description, output.description)
            return nil
        })
        m.registerForwardHook { _, args, output in
            out.print("plain", Value.tuple(args).description, output.description)
            return nil
        }
        out.print(try m(.tensor(Tensor(scalar: 2.0)), kwargs: ["factor": .double(3.0)]).description)
        golden.expectStdout(out)
    }

    @Test func hook_with_kwargs_bad_return_error() throws {
        let m = Identity()
        m.registerForwardPreHook(withKwargs: { _, _, _ in .tensor(Tensor.zeros([1])) })
        try ApiCase.named("hook_with_kwargs_bad_return_error").expectRaises { try m(Tensor.ones([1])) }
    }

    /// hook_always_call's `Boom`: forward raises `ValueError('boom')`.
    final class Boom: Module, @unchecked Sendable {
        override func forward(_ input: Tensor) throws -> Tensor { throw TorchError.valueError("boom") }
    }

    @Test func hook_always_call() throws {
        let golden = try ApiCase.named("hook_always_call")
        let m = Boom()
        let out = PythonStdout()
        m.registerForwardHook { _, _, _ in out.print("normal hook"); return nil }
        m.registerForwardHook(alwaysCall: true) { _, _, output in
            out.print("always hook, output =", output.description)
            return nil
        }
        golden.expectRaises { try m(Tensor.ones([1])) }
        golden.expectStdout(out)
    }

    @Test func hook_handle_remove() throws {
        let golden = try ApiCase.named("hook_handle_remove")
        let m = Identity()
        var calls: [String] = []
        let h = m.registerForwardHook { _, _, _ in calls.append("h"); return nil }
        _ = try m(Tensor.zeros([1])); h.remove(); _ = try m(Tensor.zeros([1])); h.remove()
        _ = try m.registerForwardHook { _, _, _ in calls.append("ctx"); return nil }.whileRegistered {
            _ = try m(Tensor.zeros([1]))
        }
        _ = try m(Tensor.zeros([1]))
        let out = PythonStdout()
        out.print(pyStrings(calls), String(m.forwardHookCount), String(m.forwardPreHookCount))
        golden.expectStdout(out)
    }

    @Test func hooks_not_called_by_forward() throws {
        let golden = try ApiCase.named("hooks_not_called_by_forward")
        let m = ReLU()
        let out = PythonStdout()
        m.registerForwardHook { _, _, _ in out.print("hook ran"); return nil }
        _ = try m.forward(Tensor.ones([1]))
        out.print("after forward()")
        let result = try m(Tensor.ones([1]))
        golden.expectStdout(out)
        golden.expectResult(result.description)
    }

    /// `n or '<root>'`.
    private func label(_ name: String) -> String { name.isEmpty ? "<root>" : name }

    @Test func hook_order_nested() throws {
        let golden = try ApiCase.named("hook_order_nested")
        let net = Sequential(Linear(2, 2), Sequential(ReLU(), Linear(2, 1)))
        var calls: [String] = []
        for (name, mod) in net.namedModules() {
            mod.registerForwardPreHook { _, _ in calls.append("pre:" + label(name)); return nil }
            mod.registerForwardHook { _, _, _ in calls.append("post:" + label(name)); return nil }
        }
        _ = try net(Tensor.zeros([1, 2]))
        golden.expectResult(pyStrings(calls))
    }

    @Test func hook_shared_module_called_twice() throws {
        let golden = try ApiCase.named("hook_shared_module_called_twice")
        let relu = ReLU()
        let net = Sequential(Linear(2, 2), relu, Linear(2, 2), relu)
        var calls: [String] = []
        for (name, mod) in net.namedModules() {
            mod.registerForwardHook { _, _, _ in calls.append(label(name)); return nil }
        }
        _ = try net(Tensor.zeros([1, 2]))
        let out = PythonStdout()
        out.print(pyStrings(calls))
        out.print(pyStrings(net.namedModules().map(\.name)))
        golden.expectStdout(out)
    }

    /// Calls recorded from a `@Sendable` global hook.
    private final class Calls: Sendable {
        let list = Mutex<[String]>([])
        func append(_ call: String) { list.withLock { $0.append(call) } }
    }

    /// Global hooks see every module call in the process, parallel tests included: the hook records only
    /// this test's modules, and stays registered only around the one call.
    @Test func global_forward_hook() throws {
        let golden = try ApiCase.named("global_forward_hook")
        let calls = Calls()
        let m = Sequential(ReLU())
        let ours = Set(m.modules().map(ObjectIdentifier.init))
        try #require(try m[0]).registerForwardHook { _, _, _ in calls.append("local ReLU"); return nil }
        do {
            let h = GlobalModuleHooks.registerForwardHook { mod, _, _ in
                if ours.contains(ObjectIdentifier(mod)) { calls.append("global " + mod.typeName) }
                return nil
            }
            defer { h.remove() }
            _ = try m(Tensor.zeros([1]))
        }
        golden.expectResult(pyStrings(calls.list.withLock { $0 }))
    }

    /// `[None if g is None else list(g.shape) for g in gs]`.
    private func shapes(_ gs: [Tensor?]) -> String {
        pyList(gs.map { g in g.map { pyList($0.sizes.map(String.init)) } ?? "None" })
    }

    /// The full-backward-hook cases' net and recorder: a pre-hook and a hook on every module.
    private func hookedMLP(_ out: PythonStdout) throws -> Sequential {
        let net = Sequential(Linear(3, 4), ReLU(), Linear(4, 2))
        for (name, mod) in net.namedModules() {
            let n = pyRepr(label(name))
            mod.registerFullBackwardPreHook { _, go in
                out.print(pyTuple([pyRepr("pre"), n, shapes(go)]))
                return nil
            }
            try mod.registerFullBackwardHook { _, gi, go in
                out.print(pyTuple([pyRepr("full"), n, shapes(gi), shapes(go)]))
                return nil
            }
        }
        return net
    }

    @Test
    func full_backward_hooks_order_shapes() throws {
        let golden = try ApiCase.named("full_backward_hooks_order_shapes")
        let out = PythonStdout()
        let net = try hookedMLP(out)
        let x = try Tensor.randn([5, 3]).requiresGrad_()
        try backward(try net(x).sum())
        golden.expectStdout(out)
    }

    @Test
    func full_backward_hooks_input_no_grad() throws {
        let golden = try ApiCase.named("full_backward_hooks_input_no_grad")
        let out = PythonStdout()
        let net = try hookedMLP(out)
        let (_, warnings) = try Warnings.capture { try backward(try net(Tensor.randn([5, 3])).sum()) }
        golden.expectStdout(out)
        golden.expectWarnings(warnings)
    }

    @Test
    func full_backward_hook_modify_grad_input() throws {
        let golden = try ApiCase.named("full_backward_hook_modify_grad_input")
        let m = Linear(2, 1)
        try m.registerFullBackwardHook { _, gi, _ in try gi.map { g in try g.map { try $0 * 0 + 7 } } }
        let x = try Tensor.ones([1, 2]).requiresGrad_()
        try backward(try m(x).sum())
        let out = PythonStdout()
        out.print(x.grad?.description ?? "None")
        golden.expectStdout(out)
    }

    @Test
    func full_backward_pre_hook_modify_grad_output() throws {
        let golden = try ApiCase.named("full_backward_pre_hook_modify_grad_output")
        let m = Linear(2, 1)
        let weight = try #require(m.weight)
        try weight.fill_(1.0)
        m.registerFullBackwardPreHook { _, go in [try go[0].map { try $0 * 3 }] }
        let x = try Tensor.ones([1, 2]).requiresGrad_()
        try backward(try m(x).sum())
        let out = PythonStdout()
        out.print(x.grad?.description ?? "None", weight.grad?.description ?? "None")
        golden.expectStdout(out)
    }

    /// The legacy hook's print: `[None or shape for g in grad_input]`, `[shape for g in grad_output]`.
    private func legacyHook(_ out: PythonStdout) -> BackwardHook {
        { _, gi, go in
            out.print("legacy hook", shapes(gi), shapes(go))
            return nil
        }
    }

    @Test
    func register_backward_hook_deprecated_warning() throws {
        let golden = try ApiCase.named("register_backward_hook_deprecated_warning")
        let out = PythonStdout()
        let net = Sequential(Linear(2, 2), ReLU())
        try net.registerBackwardHook(legacyHook(out))
        let (_, warnings) = try Warnings.capture { try backward(try net(try Tensor.ones([1, 2]).requiresGrad_()).sum()) }
        golden.expectStdout(out)
        golden.expectWarnings(warnings)
    }

    @Test
    func register_backward_hook_single_node() throws {
        let golden = try ApiCase.named("register_backward_hook_single_node")
        let out = PythonStdout()
        let m = Linear(2, 3)
        try m.registerBackwardHook(legacyHook(out))
        let (_, warnings) = try Warnings.capture { try backward(try m(try Tensor.ones([4, 2]).requiresGrad_()).sum()) }
        golden.expectStdout(out)
        golden.expectWarnings(warnings)
    }

    @Test func mix_backward_hooks_error() throws {
        let m = Linear(2, 2)
        try m.registerBackwardHook { _, _, _ in nil }
        try ApiCase.named("mix_backward_hooks_error").expectRaises { try m.registerFullBackwardHook { _, _, _ in nil } }
    }

    @Test func full_backward_hook_inplace_relu_error() throws {
        let golden = try ApiCase.named("full_backward_hook_inplace_relu_error")
        let m = ReLU(inplace: true)
        try m.registerFullBackwardHook { _, _, _ in nil }
        let x = try Tensor.randn([3]).requiresGrad_() * 1
        golden.expectRaises { try m(x) }
    }
}
