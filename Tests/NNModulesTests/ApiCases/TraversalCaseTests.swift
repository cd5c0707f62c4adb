import NNModules
import Testing

/// api_cases.json: traversal (`named_modules`, `named_parameters`, `named_buffers`, `children`) and path
/// lookup (`get_submodule`, `set_submodule`, `get_parameter`, `get_buffer`).
@Suite("api_cases: traversal")
struct TraversalCaseTests {
    /// `(name, module)` as Python prints the tuple.
    private func namedRepr(_ item: (name: String, module: Module)) -> String {
        pyTuple([pyRepr(item.name), item.module.description])
    }

    @Test func named_modules_duplicate_doc_example() throws {
        let golden = try ApiCase.named("named_modules_duplicate_doc_example")
        let l = Linear(2, 2)
        let net = Sequential(l, l)
        let out = PythonStdout()
        for (idx, m) in net.namedModules().enumerated() { out.print(String(idx), "->", namedRepr(m)) }
        golden.expectStdout(out)
    }

    @Test func named_modules_remove_duplicate_false() throws {
        let golden = try ApiCase.named("named_modules_remove_duplicate_false")
        let l = Linear(2, 2)
        let net = Sequential(l, l)
        golden.expectResult(pyList(net.namedModules(removeDuplicate: false).map { pyTuple([pyRepr($0.name), pyRepr($0.module.typeName)]) }))
    }

    @Test func named_modules_prefix() throws {
        let golden = try ApiCase.named("named_modules_prefix")
        let net = Sequential(Linear(2, 2), Sequential(ReLU(), Linear(2, 1)))
        golden.expectResult(pyStrings(net.namedModules(prefix: "model").map(\.name)))
    }

    @Test func named_modules_memo() throws {
        let golden = try ApiCase.named("named_modules_memo")
        let inner = Sequential(Linear(2, 2), ReLU())
        let net = Sequential(inner, Linear(2, 1))
        var memo: Set<ObjectIdentifier> = [ObjectIdentifier(inner)]
        let out = PythonStdout()
        out.print(pyStrings(net.namedModules(memo: &memo).map(\.name)))
        out.print(String(memo.count))
        golden.expectStdout(out)
    }

    @Test func modules_doc_example() throws {
        let golden = try ApiCase.named("modules_doc_example")
        let l = Linear(2, 2)
        let net = Sequential(l, l)
        let out = PythonStdout()
        for (idx, m) in net.modules().enumerated() { out.print(String(idx), "->", m.description) }
        golden.expectStdout(out)
    }

    /// The snippet's `class Block` (modules_preorder).
    final class Block: Module, @unchecked Sendable {
        static func make() throws -> Block {
            let b = Block()
            try b.setAttribute("conv", .module(Conv2d(1, 1, kernelSize: 1)))
            try b.setAttribute("act", .module(Sequential(ReLU(), Identity())))
            try b.setAttribute("norm", .module(BatchNorm2d(1)))
            return b
        }
    }

    @Test func modules_preorder() throws {
        let golden = try ApiCase.named("modules_preorder")
        let net = Sequential(try Block.make(), Sequential(try Block.make()), Flatten())
        golden.expectResult(pyStrings(net.namedModules().map(\.name)))
    }

    /// The snippet's `class Tied` (named_parameters_shared): `b.weight` is `a.weight`.
    final class Tied: Module, @unchecked Sendable {
        static func make() throws -> Tied {
            let t = Tied()
            let a = Linear(3, 3), b = Linear(3, 3)
            try t.setAttribute("a", .module(a))
            try t.setAttribute("b", .module(b))
            try b.setAttribute("weight", .tensor(try #require(a.weight)))
            return t
        }
    }

    @Test func named_parameters_shared() throws {
        let golden = try ApiCase.named("named_parameters_shared")
        let t = try Tied.make()
        let out = PythonStdout()
        out.print(pyStrings(t.namedParameters().map(\.name)))
        out.print(pyStrings(t.namedParameters(removeDuplicate: false).map(\.name)))
        out.print(String(try numelSum(t.parameters())))
        out.print(pyStrings(try t.stateDict().keys))
        let sd = try t.stateDict()
        out.print(py(try #require(sd.tensor("a.weight")).dataPointer == (try #require(sd.tensor("b.weight")).dataPointer)))
        golden.expectStdout(out)
    }

    @Test func named_parameters_prefix_recurse() throws {
        let golden = try ApiCase.named("named_parameters_prefix_recurse")
        let net = Sequential(Linear(2, 2))
        try net.registerParameter("top", Parameter(Tensor.zeros([1])))
        let out = PythonStdout()
        out.print(pyStrings(net.namedParameters(prefix: "m").map(\.name)))
        out.print(pyStrings(net.namedParameters(recurse: false).map(\.name)))
        out.print(pyStrings(net.namedBuffers().map(\.name)))
        golden.expectStdout(out)
    }

    @Test func named_buffers_bn() throws {
        let golden = try ApiCase.named("named_buffers_bn")
        let bn = BatchNorm1d(3)
        let net = Sequential(bn, bn)
        let out = PythonStdout()
        out.print(pyList(net.namedBuffers().map { pyTuple([pyRepr($0.name), $0.buffer.dtype.torchName]) }))
        out.print(pyStrings(net.namedBuffers(removeDuplicate: false).map(\.name)))
        golden.expectStdout(out)
    }

    @Test func children_named_children() throws {
        let golden = try ApiCase.named("children_named_children")
        let l = Linear(2, 2)
        let net = Sequential(l, Sequential(ReLU()), l)
        let out = PythonStdout()
        out.print(pyStrings(net.namedChildren().map(\.name)))
        out.print(pyStrings(net.children().map(\.typeName)))
        golden.expectStdout(out)
    }

    @Test func named_modules_skips_none_child() throws {
        let golden = try ApiCase.named("named_modules_skips_none_child")
        let net = Sequential(Linear(1, 1), ReLU())
        try net.addModule("gap", nil)
        try net.addModule("tail", Linear(1, 1))
        let out = PythonStdout()
        out.print(pyStrings(net.namedModules().map(\.name)), String(net.count), pyStrings(try net.stateDict().keys))
        out.print(net.description)
        golden.expectStdout(out)
    }

    @Test func parameters_count_resnet_block() throws {
        let golden = try ApiCase.named("parameters_count_resnet_block")
        let block = Sequential(try Conv2d(3, 8, kernelSize: 3, bias: false), BatchNorm2d(8), ReLU())
        let out = PythonStdout()
        out.print(String(try numelSum(block.parameters())),
                  String(try numelSum(block.buffers())))
        out.print(pyList(try block.namedBuffers().map { pyTuple([pyRepr($0.name), try shapeTuple($0.buffer), pyRepr($0.buffer.dtype.torchName)]) }))
        golden.expectStdout(out)
    }

    // MARK: - Path lookup on the snippets' `A`/`B` tree

    /// The snippets' `class B`: a Linear, a BatchNorm1d and a `scale` buffer.
    final class B: Module, @unchecked Sendable {
        static func make() throws -> B {
            let b = B()
            try b.setAttribute("linear", .module(Linear(4, 2)))
            try b.setAttribute("bn", .module(BatchNorm1d(2)))
            try b.registerBuffer("scale", Tensor.ones([1]))
            return b
        }
    }

    /// The snippets' `class A`: a `B` and a ModuleList.
    final class A: Module, @unchecked Sendable {
        static func make() throws -> A {
            let a = A()
            try a.setAttribute("net_b", .module(try B.make()))
            try a.setAttribute("layers", .module(ModuleList([Linear(2, 2), ReLU()])))
            return a
        }
    }

    @Test func get_submodule_ok() throws {
        let golden = try ApiCase.named("get_submodule_ok")
        let a = try A.make()
        let out = PythonStdout()
        out.print(try a.getSubmodule("").typeName, try a.getSubmodule("net_b.linear").description,
                  try a.getSubmodule("layers.1").description)
        golden.expectStdout(out)
    }

    @Test(arguments: [
        ("get_submodule_missing_error", "net_b.conv"),
        ("get_submodule_missing_first_error", "foo.linear"),
        ("get_submodule_not_module_error", "net_b.linear.weight"),
        ("get_submodule_index_out_of_range_error", "layers.5"),
    ])
    func get_submodule_errors(id: String, target: String) throws {
        let a = try A.make()
        try ApiCase.named(id).expectRaises { try a.getSubmodule(target) }
    }

    @Test func get_parameter_ok() throws {
        let golden = try ApiCase.named("get_parameter_ok")
        let p = try A.make().getParameter("net_b.linear.weight")
        let out = PythonStdout()
        out.print(p.typeName, try shapeTuple(p))
        golden.expectStdout(out)
    }

    @Test(arguments: [
        ("get_parameter_missing_error", "net_b.linear.nonexistent"),
        ("get_parameter_not_param_error", "net_b.scale"),
        ("get_parameter_module_error", "net_b.linear"),
        ("get_parameter_bad_path_error", "net_c.linear.weight"),
    ])
    func get_parameter_errors(id: String, target: String) throws {
        let a = try A.make()
        try ApiCase.named(id).expectRaises { try a.getParameter(target) }
    }

    @Test func get_buffer_ok() throws {
        let golden = try ApiCase.named("get_buffer_ok")
        let a = try A.make()
        let out = PythonStdout()
        out.print(try a.getBuffer("net_b.scale").description, try a.getBuffer("net_b.bn.num_batches_tracked").description)
        golden.expectStdout(out)
    }

    @Test(arguments: [
        ("get_buffer_not_buffer_error", "net_b.linear.weight"),
        ("get_buffer_missing_error", "net_b.running"),
    ])
    func get_buffer_errors(id: String, target: String) throws {
        let a = try A.make()
        try ApiCase.named(id).expectRaises { try a.getBuffer(target) }
    }

    @Test func set_submodule_ok() throws {
        let golden = try ApiCase.named("set_submodule_ok")
        let a = try A.make()
        try a.setSubmodule("net_b.linear", Identity())
        let out = PythonStdout()
        out.print(try a.getAttribute("net_b").description)
        golden.expectStdout(out)
    }

    @Test func set_submodule_empty_error() throws {
        let a = try A.make()
        try ApiCase.named("set_submodule_empty_error").expectRaises { try a.setSubmodule("", Identity()) }
    }
}
