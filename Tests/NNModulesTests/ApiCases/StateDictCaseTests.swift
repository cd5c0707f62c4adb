import NNModules
import OrderedCollections
import Testing

/// api_cases.json: `state_dict`, `load_state_dict`, their hooks and extra state.
@Suite("api_cases: state dicts")
struct StateDictCaseTests {
    /// The snippets' `class Inner`: a conv, a batch norm and a non-persistent buffer.
    final class Inner: Module, @unchecked Sendable {
        static func make() throws -> Inner {
            let m = Inner()
            try m.setAttribute("conv", .module(try Conv2d(1, 2, kernelSize: 3)))
            try m.setAttribute("bn", .module(BatchNorm2d(2)))
            try m.registerBuffer("tmp", Tensor.zeros([1]), persistent: false)
            return m
        }
    }

    /// The snippets' `class Outer`: a buffer, a child, a Linear, then a parameter.
    final class Outer: Module, @unchecked Sendable {
        static func make() throws -> Outer {
            let m = Outer()
            try m.registerBuffer("step", Tensor(scalar: 0))
            try m.setAttribute("inner", .module(try Inner.make()))
            try m.setAttribute("head", .module(Linear(2, 1)))
            try m.setAttribute("scale", .tensor(Parameter(Tensor.ones([1]))))
            return m
        }
    }

    @Test func state_dict_order_nested() throws {
        let golden = try ApiCase.named("state_dict_order_nested")
        let m = try Outer.make()
        let out = PythonStdout()
        out.print(pyList(try m.stateDict().map { key, value in
            let t = try #require(value.tensor)
            return pyTuple([pyRepr(key), try shapeTuple(t), pyRepr(t.dtype.torchName)])
        }))
        out.print(try m.stateDict().typeName)
        golden.expectStdout(out)
    }

    @Test func state_dict_prefix() throws {
        let golden = try ApiCase.named("state_dict_prefix")
        let m = try Outer.make()
        let out = PythonStdout()
        out.print(pyStrings(try m.stateDict(prefix: "model.").keys))
        out.print(pyStrings(Array(try m.stateDict(prefix: "x").keys.prefix(2))))
        golden.expectStdout(out)
    }

    @Test func state_dict_keep_vars() throws {
        let golden = try ApiCase.named("state_dict_keep_vars")
        let m = try Outer.make()
        let scale = try #require(m.parameter("scale"))
        let sd = try #require(try m.stateDict().tensor("scale"))
        let sv = try #require(try m.stateDict(keepVars: true).tensor("scale"))
        let out = PythonStdout()
        out.print(sd.typeName, py(sd.requiresGrad), py(sd === scale))
        out.print(sv.typeName, py(sv.requiresGrad), py(sv === scale))
        out.print(py(sd.dataPointer == scale.dataPointer))
        golden.expectStdout(out)
    }

    @Test func state_dict_metadata() throws {
        let golden = try ApiCase.named("state_dict_metadata")
        let metadata = try #require(try Outer.make().stateDict().metadata)
        let out = PythonStdout()
        out.print(pyDict(metadata.map { prefix, local in
            (pyRepr(prefix), pyDict(local.sorted { $0.key < $1.key }.map { (pyRepr($0.key), $0.value.description) }))
        }))
        golden.expectStdout(out)
    }

    // `state_dict(None, 'p.')`: Swift has only labelled arguments, so the deprecated positional form
    // (and its FutureWarning) cannot be written; the keyword form gives the same keys.
    @Test("state_dict_positional_deprecated: positional form ruled out by the compiler (labelled arguments)")
    func state_dict_positional_deprecated() throws {
        let golden = try ApiCase.named("state_dict_positional_deprecated")
        let out = PythonStdout()
        out.print(pyStrings(Array(try Outer.make().stateDict(prefix: "p.").keys.prefix(1))))
        golden.expectStdout(out)
        #expect(golden.warnings.map(\.category) == ["FutureWarning"])
    }

    @Test func load_state_dict_ok() throws {
        let golden = try ApiCase.named("load_state_dict_ok")
        let m = Linear(2, 2)
        let r = try m.loadStateDict(try Linear(2, 2).stateDict())
        let out = PythonStdout()
        out.print(r.description, pyStrings(r.missingKeys), pyStrings(r.unexpectedKeys), r.typeName)
        golden.expectStdout(out)
    }

    @Test func load_state_dict_strict_missing_unexpected() throws {
        let m = Linear(2, 2)
        let sd = StateDict(tensors: [("weight", Tensor.zeros([2, 2])), ("extra", Tensor.zeros([1])), ("extra2.x", Tensor.zeros([1]))])
        try ApiCase.named("load_state_dict_strict_missing_unexpected").expectRaises { try m.loadStateDict(sd) }
    }

    @Test func load_state_dict_strict_missing_only() throws {
        let m = Linear(2, 2)
        let sd = StateDict(tensors: [("weight", Tensor.zeros([2, 2]))])
        try ApiCase.named("load_state_dict_strict_missing_only").expectRaises { try m.loadStateDict(sd) }
    }

    @Test func load_state_dict_size_mismatch() throws {
        let m = Linear(2, 2)
        let sd = StateDict(tensors: [("weight", Tensor.zeros([3, 2])), ("bias", Tensor.zeros([2]))])
        try ApiCase.named("load_state_dict_size_mismatch").expectRaises { try m.loadStateDict(sd) }
    }

    @Test func load_state_dict_size_mismatch_and_missing() throws {
        let net = Sequential(Linear(2, 2), Linear(2, 1))
        let sd = StateDict(tensors: [("0.weight", Tensor.zeros([5, 2])), ("1.weight", Tensor.zeros([1, 2])),
                                     ("1.bias", Tensor.zeros([1])), ("2.weight", Tensor.zeros([1]))])
        try ApiCase.named("load_state_dict_size_mismatch_and_missing").expectRaises { try net.loadStateDict(sd) }
    }

    @Test func load_state_dict_non_strict() throws {
        let golden = try ApiCase.named("load_state_dict_non_strict")
        let m = Linear(2, 2)
        let r = try m.loadStateDict(StateDict(tensors: [("weight", Tensor.ones([2, 2])), ("extra", Tensor.zeros([1]))]), strict: false)
        let out = PythonStdout()
        out.print(r.description)
        out.print(pyStrings(r.missingKeys), pyStrings(r.unexpectedKeys))
        out.print(try #require(m.weight).description)
        golden.expectStdout(out)
    }

    @Test func load_state_dict_non_strict_size_mismatch() throws {
        let m = Linear(2, 2)
        try ApiCase.named("load_state_dict_non_strict_size_mismatch").expectRaises {
            try m.loadStateDict(StateDict(tensors: [("weight", Tensor.zeros([3, 3]))]), strict: false)
        }
    }

    // Api cases that Swift's type system makes impossible are covered by the compiler, not by a test
    // (ApiCaseCoverageTests reads these `compiler-enforced:` lines):
    // compiler-enforced: load_state_dict_not_mapping — `loadStateDict` takes a `StateDict`: a list does not type-check.

    @Test func load_state_dict_dtype_cast() throws {
        let golden = try ApiCase.named("load_state_dict_dtype_cast")
        let m = Linear(2, 2)
        try m.loadStateDict(StateDict(tensors: [("weight", Tensor.full([2, 2], 0.5, dtype: .float64)),
                                                ("bias", Tensor.zeros([2], dtype: .float64))]))
        let weight = try #require(m.weight)
        let out = PythonStdout()
        out.print(weight.dtype.torchName, weight.description)
        golden.expectStdout(out)
    }

    @Test func load_state_dict_assign() throws {
        let golden = try ApiCase.named("load_state_dict_assign")
        let m = Linear(2, 2)
        try #require(m.bias).requiresGrad_(false)
        let wOld = m.weight
        let newWeight = Tensor.ones([2, 2], dtype: .float64)
        try m.loadStateDict(StateDict(tensors: [("weight", newWeight), ("bias", Tensor.zeros([2], dtype: .float64))]), assign: true)
        let weight = try #require(m.weight), bias = try #require(m.bias)
        let out = PythonStdout()
        out.print(py(weight === wOld), weight.typeName, weight.dtype.torchName, py(weight.requiresGrad), py(bias.requiresGrad))
        out.print(py(weight.dataPointer == newWeight.dataPointer))
        golden.expectStdout(out)
    }

    @Test func load_state_dict_bn_without_num_batches_tracked() throws {
        let golden = try ApiCase.named("load_state_dict_bn_without_num_batches_tracked")
        let bn = BatchNorm1d(2)
        let plain = StateDict(try bn.stateDict().entries.filter { $0.key != "num_batches_tracked" })
        let out = PythonStdout()
        out.print(try bn.loadStateDict(plain).description)
        out.print(try #require(bn.numBatchesTracked).description)
        golden.expectStdout(out)
    }

    @Test func load_state_dict_bn_without_num_batches_tracked_v2() throws {
        let bn = BatchNorm1d(2)
        let full = try bn.stateDict()
        let sd = StateDict(full.entries.filter { $0.key != "num_batches_tracked" }, metadata: full.metadata)
        try ApiCase.named("load_state_dict_bn_without_num_batches_tracked_v2").expectRaises { try bn.loadStateDict(sd) }
    }

    @Test func load_state_dict_nested_error_prefix() throws {
        let m = try Outer.make()
        var sd = try m.stateDict()
        sd.removeValue(forKey: "inner.bn.running_var")
        sd["inner.bn.foo"] = .tensor(Tensor.zeros([1]))
        try ApiCase.named("load_state_dict_nested_error_prefix").expectRaises { try m.loadStateDict(sd) }
    }

    @Test func state_dict_pre_hook() throws {
        let golden = try ApiCase.named("state_dict_pre_hook")
        let net = Sequential(Linear(1, 1))
        let out = PythonStdout()
        try #require(try net[0]).registerStateDictPreHook { mod, prefix, keepVars in
            out.print("pre-hook", mod.typeName, pyRepr(prefix), py(keepVars))
            try (mod as? Linear)?.weight?.fill_(42.0)
        }
        out.print(try #require(try net.stateDict(prefix: "p.").tensor("p.0.weight")).description)
        golden.expectStdout(out)
    }

    // The post-hook type returns Void, so the snippet's second half (a hook returning the state dict,
    // which PyTorch rejects at run time) does not type-check; the first half runs.
    @Test("state_dict_post_hook: returning a value is ruled out by the compiler (the hook returns Void)")
    func state_dict_post_hook() throws {
        let golden = try ApiCase.named("state_dict_post_hook")
        let m = Linear(1, 1)
        m.registerStateDictPostHook { _, sd, prefix, _ in
            sd[prefix + "added"] = .tensor(Tensor(scalar: 1))
            sd.removeValue(forKey: prefix + "bias")
        }
        let out = PythonStdout()
        out.print(pyStrings(try m.stateDict().keys))
        golden.expectStdout(out)
        golden.expectRecordedException("RuntimeError")
    }

    @Test func load_state_dict_post_hook_clears_missing() throws {
        let golden = try ApiCase.named("load_state_dict_post_hook_clears_missing")
        let m = Linear(2, 2)
        let out = PythonStdout()
        m.registerLoadStateDictPostHook { _, incompatible in
            out.print("post-hook sees", pyStrings(incompatible.missingKeys), pyStrings(incompatible.unexpectedKeys))
            incompatible.missingKeys.removeAll()
        }
        out.print(try m.loadStateDict(StateDict(tensors: [("weight", Tensor.zeros([2, 2]))])).description)
        golden.expectStdout(out)
    }

    @Test func load_state_dict_pre_hook() throws {
        let golden = try ApiCase.named("load_state_dict_pre_hook")
        let m = Sequential(Linear(1, 1, bias: false))
        let first = try #require(try m[0] as? Linear)
        let out = PythonStdout()
        first.registerLoadStateDictPreHook { _, sd, prefix, _, _, _, _, _ in
            out.print("pre-hook prefix", pyRepr(prefix), pyStrings(sd.keys.sorted()))
            if let w = sd.removeValue(forKey: prefix + "w") { sd[prefix + "weight"] = w }
        }
        out.print(try m.loadStateDict(StateDict(tensors: [("0.w", Tensor.full([1, 1], 3.0))])).description)
        out.print(try #require(first.weight).description)
        golden.expectStdout(out)
    }

    /// extra_state_round_trip's `WithExtra`: a Linear plus a config dict saved as extra state.
    enum RoundTrip {
        final class WithExtra: Module, @unchecked Sendable {
            var config: Value = .dict(["scale": .int(1)])
            let out: PythonStdout

            init(out: PythonStdout) throws {
                self.out = out
                super.init()
                try setAttribute("lin", .module(Linear(1, 1)))
            }

            override func getExtraState() -> Value? { .dict(["config": config, "version": .int(3)]) }
            override var acceptsExtraState: Bool { true }
            override func setExtraState(_ state: Value) throws {
                out.print("set_extra_state got", state.description)
                guard case .dict(let d) = state, let config = d["config"] else {
                    throw TorchError.keyError("config")
                }
                self.config = config
            }
        }
    }

    @Test func extra_state_round_trip() throws {
        let golden = try ApiCase.named("extra_state_round_trip")
        let out = PythonStdout()
        let withExtra = try RoundTrip.WithExtra(out: out)
        let net = Sequential(withExtra)
        var sd = try net.stateDict()
        out.print(pyStrings(sd.keys), try #require(sd["0._extra_state"]).description)
        sd["0._extra_state"] = .dict(["config": .dict(["scale": .int(5)]), "version": .int(3)])
        out.print(try net.loadStateDict(sd).description)
        out.print(withExtra.config.description)
        golden.expectStdout(out)
    }

    /// extra_state_missing_strict's `WithExtra`: extra state `1`, no children.
    enum MissingStrict {
        final class WithExtra: Module, @unchecked Sendable {
            override func getExtraState() -> Value? { .int(1) }
            override var acceptsExtraState: Bool { true }
            override func setExtraState(_ state: Value) throws {}
        }
    }

    @Test func extra_state_missing_strict() throws {
        try ApiCase.named("extra_state_missing_strict").expectRaises { try MissingStrict.WithExtra().loadStateDict(StateDict()) }
    }
}
