import NNModules
import Testing

/// api_cases.json: Sequential, ModuleList, ModuleDict, ParameterList and ParameterDict behaviour.
@Suite("api_cases: containers")
struct ContainerCaseTests {
    /// `[(k, type(v).__name__) for k, v in net._modules.items()]`.
    private func slots(_ m: Module) -> String {
        pyList(m._modules.map { pyTuple([pyRepr($0.key), pyRepr($0.value?.typeName ?? "NoneType")]) })
    }

    @Test func sequential_index_slice_len() throws {
        let golden = try ApiCase.named("sequential_index_slice_len")
        let net = Sequential(Linear(1, 2), ReLU(), Linear(2, 3))
        let out = PythonStdout()
        out.print(String(net.count), try #require(try net[-1]).description, try #require(try net[0]).description)
        let s = try net.slice(from: 1)
        out.print(s.typeName, pyStrings(Array(s._modules.keys)))
        out.print(s.description)
        golden.expectStdout(out)
    }

    @Test func sequential_index_error() throws {
        let net = Sequential(ReLU(), Tanh())
        try ApiCase.named("sequential_index_error").expectRaises { try net[2] }
    }

    @Test func sequential_negative_index_error() throws {
        let net = Sequential(ReLU(), Tanh())
        try ApiCase.named("sequential_negative_index_error").expectRaises { try net[-3] }
    }

    @Test func sequential_append_insert_extend_pop() throws {
        let golden = try ApiCase.named("sequential_append_insert_extend_pop")
        let net = Sequential(Linear(1, 1))
        let out = PythonStdout()
        out.print(py(try net.append(ReLU()) === net))
        try net.insert(0, Identity())
        out.print(slots(net))
        out.print(py(try net.extend([Tanh(), Sigmoid()]) === net))
        out.print(slots(net))
        let p = try net.pop(1)
        out.print(p?.typeName ?? "None", slots(net))
        try net.remove(at: 0)
        out.print(slots(net))
        try net.insert(-1, try GELU())
        out.print(slots(net))
        golden.expectStdout(out)
    }

    @Test func sequential_insert_out_of_range_error() throws {
        let net = Sequential(ReLU())
        try ApiCase.named("sequential_insert_out_of_range_error").expectRaises { try net.insert(5, Tanh()) }
    }

    @Test func sequential_ordereddict_append() throws {
        let golden = try ApiCase.named("sequential_ordereddict_append")
        let net = try Sequential(named: [("conv", try Conv2d(1, 1, kernelSize: 1)), ("act", ReLU())])
        try net.append(Flatten())
        let out = PythonStdout()
        out.print(pyStrings(Array(net._modules.keys)), pyStrings(Array(try net.slice(from: 1)._modules.keys)))
        out.print(try net.getAttribute("act").description)
        golden.expectStdout(out)
    }

    @Test func sequential_ordereddict_delete_renumbers() throws {
        let golden = try ApiCase.named("sequential_ordereddict_delete_renumbers")
        let net = try Sequential(named: [("conv", try Conv2d(1, 1, kernelSize: 1)), ("act", ReLU()), ("flat", Flatten())])
        try net.remove(at: 0)
        let out = PythonStdout()
        out.print(pyStrings(Array(net._modules.keys)))
        golden.expectStdout(out)
    }

    @Test func sequential_add_mul() throws {
        let golden = try ApiCase.named("sequential_add_mul")
        let a = Sequential(Linear(1, 1))
        let b = Sequential(ReLU())
        let c = a + b
        let out = PythonStdout()
        out.print(c.description, py(try c[0] === (try a[0])))
        let d = a * 3
        out.print(String(d.count), py(try d[0] === (try d[1])), pyStrings(d.namedModules().map(\.name)))
        golden.expectStdout(out)
    }

    @Test func sequential_setitem() throws {
        let golden = try ApiCase.named("sequential_setitem")
        let net = Sequential(ReLU(), Tanh())
        try net.set(1, Sigmoid())
        try net.set(-2, try GELU())
        let out = PythonStdout()
        out.print(net.description)
        golden.expectStdout(out)
    }

    @Test func modulelist_ops() throws {
        let golden = try ApiCase.named("modulelist_ops")
        let ml = ModuleList([Linear(1, 1), ReLU()])
        try ml.append(Tanh())
        try ml.extend([Sigmoid()])
        ml.insert(1, Identity())
        let out = PythonStdout()
        out.print(slots(ml))
        out.print(pyStrings(Array(ml.slice(from: 2)._modules.keys)))
        try ml.remove(at: 0)
        try ml += [try GELU()]
        out.print(slots(ml), String(ml.count))
        golden.expectStdout(out)
        golden.expectRaises { try ml(Tensor.zeros([1])) }
    }

    @Test func modulelist_index_error() throws {
        let ml = ModuleList([ReLU()])
        try ApiCase.named("modulelist_index_error").expectRaises { try ml[-2] }
    }

    @Test func moduledict_order_update() throws {
        let golden = try ApiCase.named("moduledict_order_update")
        let md = try ModuleDict([("b", ReLU()), ("a", Tanh())])
        try md.set("c", Identity())
        try md.update(.dict(["a": .module(try GELU()), "d": .module(Sigmoid())]))
        try md.update(.list([.tuple([.string("e"), .module(ReLU6())])]))
        let out = PythonStdout()
        out.print(pyStrings(md.keys), try #require(try md["a"]).typeName)
        out.print(try #require(try md.pop("b")).typeName, pyStrings(md.keys), py(md.contains("b")), String(md.count))
        out.print(md.description)
        golden.expectStdout(out)
    }

    @Test func moduledict_update_error() throws {
        try ApiCase.named("moduledict_update_error").expectRaises { try ModuleDict().update(.int(3)) }
    }

    @Test func moduledict_update_bad_element_error() throws {
        try ApiCase.named("moduledict_update_bad_element_error").expectRaises {
            try ModuleDict().update(.list([.tuple([.string("a"), .module(ReLU()), .int(1)])]))
        }
    }

    /// parameterlist_parameterdict_registration's `M`: a ParameterList and a ParameterDict.
    final class M: Module, @unchecked Sendable {
        static func make() throws -> M {
            let m = M()
            try m.setAttribute("pl", .module(try ParameterList([Tensor.zeros([2]), Parameter(Tensor.ones([1]))])))
            try m.setAttribute("pd", .module(try ParameterDict(tensors: [("x", Tensor.zeros([3]))])))
            return m
        }
    }

    @Test func parameterlist_parameterdict_registration() throws {
        let golden = try ApiCase.named("parameterlist_parameterdict_registration")
        let m = try M.make()
        let out = PythonStdout()
        out.print(pyList(m.namedParameters().map { pyTuple([pyRepr($0.name), pyRepr($0.parameter.typeName)]) }))
        out.print(pyStrings(try m.stateDict().keys))
        golden.expectStdout(out)
    }

    @Test func parameterlist_same_param_twice() throws {
        let golden = try ApiCase.named("parameterlist_same_param_twice")
        let p = Parameter(Tensor.zeros([3]))
        let pl = try ParameterList([p, p])
        let out = PythonStdout()
        out.print(pyStrings(pl.namedParameters().map(\.name)), pyStrings(try pl.stateDict().keys),
                  String(try numelSum(pl.parameters())))
        golden.expectStdout(out)
    }

    @Test func parameterlist_call_error() throws {
        try ApiCase.named("parameterlist_call_error").expectRaises { try ParameterList()(Tensor.zeros([1])) }
    }

    @Test func module_no_forward_error() throws {
        try ApiCase.named("module_no_forward_error").expectRaises { try Module()(Tensor.zeros([1])) }
    }

    @Test func forward_shape_error_linear() throws {
        try ApiCase.named("forward_shape_error_linear").expectRaises { try Linear(2, 2)(Tensor.zeros([1, 3])) }
    }
}
