import NNModules
import Testing

/// api_cases.json: registering parameters, buffers and children, and Python's attribute protocol on modules.
@Suite("api_cases: registration")
struct RegistrationCaseTests {
    /// The snippet's `class M` (param_autoregister_order): attributes assigned in `__init__`.
    final class M: Module, @unchecked Sendable {
        /// `M()`; Swift's `init()` cannot throw where `Module.init()` does not, so the `__init__` body runs here.
        static func make() throws -> M {
            let m = M()
            try m.setAttribute("b", .tensor(Parameter(Tensor.zeros([2]))))
            try m.setAttribute("plain", .tensor(Tensor.zeros([1])))
            try m.setAttribute("a", .tensor(Parameter(Tensor.ones([3]))))
            try m.setAttribute("lin", .module(Linear(2, 2)))
            try m.setAttribute("c", .tensor(Parameter(Tensor.ones([1]))))
            return m
        }
    }

    @Test func param_autoregister_order() throws {
        let golden = try ApiCase.named("param_autoregister_order")
        let out = PythonStdout()
        let m = try M.make()
        out.print(pyStrings(m.namedParameters().map(\.name)))
        out.print(pyStrings(Array(m._parameters.keys)))
        out.print(pyStrings(try m.stateDict().keys))
        out.print(py(try m.stateDict().keys.contains("plain")), try m.getAttribute("plain").tensor?.typeName ?? "")
        golden.expectStdout(out)
    }

    @Test func param_reassign_keeps_position() throws {
        let golden = try ApiCase.named("param_reassign_keeps_position")
        let m = Module()
        try m.setAttribute("a", .tensor(Parameter(Tensor.zeros([1]))))
        try m.setAttribute("b", .tensor(Parameter(Tensor.zeros([1]))))
        try m.setAttribute("a", .tensor(Parameter(Tensor.ones([5]))))
        let out = PythonStdout()
        out.print(pyList(try m.namedParameters().map { pyTuple([pyRepr($0.name), try shapeTuple($0.parameter)]) }))
        golden.expectStdout(out)
    }

    @Test func param_assign_none_then_tensor_error() throws {
        let golden = try ApiCase.named("param_assign_none_then_tensor_error")
        let lin = Linear(2, 3)
        try lin.setAttribute("bias", .none)
        let out = PythonStdout()
        out.print(pyStrings(lin.namedParameters().map(\.name)), pyStrings(try lin.stateDict().keys), lin.description)
        golden.expectStdout(out)
        golden.expectRaises { try lin.setAttribute("weight", .tensor(Tensor.zeros([3, 2]))) }
    }

    // Api cases that Swift's type system makes impossible are covered by the compiler, not by a test
    // (ApiCaseCoverageTests reads these `compiler-enforced:` lines):
    // Swift runs no method on `self` before `super.init()` (two-phase initialization), so a Module can
    // never be assigned to before its `__init__` ran:
    // compiler-enforced: param_before_init_error — a parameter assigned before `super.init()`.
    // compiler-enforced: module_before_init_error — a child module assigned before `super.init()`.

    @Test func assign_nonmodule_to_module_attr_error() throws {
        let golden = try ApiCase.named("assign_nonmodule_to_module_attr_error")
        let net = Sequential(Linear(1, 1))
        try net.setAttribute("extra", .module(ReLU()))
        golden.expectRaises { try net.setAttribute("extra", .int(5)) }
    }

    @Test func assign_nonTensor_to_buffer_error() throws {
        let golden = try ApiCase.named("assign_nonTensor_to_buffer_error")
        let m = Module()
        try m.registerBuffer("buf", Tensor.zeros([2]))
        try m.setAttribute("buf", .tensor(Tensor.ones([3])))
        let out = PythonStdout()
        out.print(pyDict(m.namedBuffers().map { (pyRepr($0.name), $0.buffer.description) }))
        golden.expectStdout(out)
        golden.expectRaises { try m.setAttribute("buf", .int(3)) }
    }

    @Test func delattr_param_buffer_module() throws {
        let golden = try ApiCase.named("delattr_param_buffer_module")
        let m = Linear(2, 2)
        try m.registerBuffer("rb", Tensor.zeros([1]))
        try m.setAttribute("sub", .module(ReLU()))
        try m.deleteAttribute("bias")
        try m.deleteAttribute("rb")
        try m.deleteAttribute("sub")
        let out = PythonStdout()
        out.print(pyStrings(m.namedParameters().map(\.name)), pyStrings(m.namedBuffers().map(\.name)),
                  pyStrings(m.namedChildren().map(\.name)))
        out.print(m.hasAttribute("bias") ? try m.getAttribute("bias").description : "no attribute bias")
        golden.expectStdout(out)
    }

    @Test func getattr_missing_error() throws {
        try ApiCase.named("getattr_missing_error").expectRaises { try Linear(2, 2).getAttribute("foo") }
    }

    @Test func parameter_repr() throws {
        let golden = try ApiCase.named("parameter_repr")
        let out = PythonStdout()
        out.print(Parameter(Tensor.ones([2])).description)
        out.print(Parameter(Tensor.zeros([2, 2]), requiresGrad: false).description)
        let p = Parameter(Tensor.ones([1]))
        out.print(p.typeName, py(p.isLeaf))
        golden.expectStdout(out)
    }

    @Test func register_parameter_ok_and_none() throws {
        let golden = try ApiCase.named("register_parameter_ok_and_none")
        let m = Module()
        try m.registerParameter("w", Parameter(Tensor.ones([2])))
        try m.registerParameter("nothing", nil)
        let out = PythonStdout()
        out.print(pyStrings(Array(m._parameters.keys)))
        out.print(pyStrings(m.namedParameters().map(\.name)), pyStrings(try m.stateDict().keys))
        out.print(try m.getAttribute("nothing").description)
        golden.expectStdout(out)
    }

    @Test func register_parameter_dot_error() throws {
        try ApiCase.named("register_parameter_dot_error").expectRaises {
            try Module().registerParameter("a.b", Parameter(Tensor.zeros([1])))
        }
    }

    @Test func register_parameter_empty_error() throws {
        try ApiCase.named("register_parameter_empty_error").expectRaises {
            try Module().registerParameter("", Parameter(Tensor.zeros([1])))
        }
    }

    @Test func register_parameter_existing_attr_error() throws {
        try ApiCase.named("register_parameter_existing_attr_error").expectRaises {
            try Linear(1, 1).registerParameter("forward", Parameter(Tensor.zeros([1])))
        }
    }

    @Test func register_parameter_existing_param_ok() throws {
        let golden = try ApiCase.named("register_parameter_existing_param_ok")
        let l = Linear(1, 1)
        try l.registerParameter("weight", Parameter(Tensor.zeros([4])))
        golden.expectResult(pyList(try l.namedParameters().map { pyTuple([pyRepr($0.name), try shapeTuple($0.parameter)]) }))
    }

    @Test func register_parameter_tensor_error() throws {
        try ApiCase.named("register_parameter_tensor_error").expectRaises {
            try Module().registerParameter("x", Tensor.zeros([1]))
        }
    }

    // Covered by the compiler, not by a test:
    // compiler-enforced: register_parameter_nonstring_error — names are `String` in every registration method.

    @Test func register_buffer_persistent_false() throws {
        let golden = try ApiCase.named("register_buffer_persistent_false")
        let m = Module()
        try m.registerBuffer("p", Tensor.zeros([2]))
        try m.registerBuffer("np", Tensor.ones([2]), persistent: false)
        try m.registerBuffer("none_buf", nil)
        let out = PythonStdout()
        out.print(pyStrings(m.namedBuffers().map(\.name)))
        out.print(pyStrings(try m.stateDict().keys))
        out.print(pyStrings(m._nonPersistentBuffersSet.sorted()))
        golden.expectStdout(out)
    }

    @Test func register_buffer_change_persistence() throws {
        let golden = try ApiCase.named("register_buffer_change_persistence")
        let m = Module()
        let out = PythonStdout()
        try m.registerBuffer("b", Tensor.zeros([1]))
        out.print(pyStrings(try m.stateDict().keys))
        try m.registerBuffer("b", Tensor.zeros([1]), persistent: false)
        out.print(pyStrings(try m.stateDict().keys))
        try m.registerBuffer("b", Tensor.zeros([1]))
        out.print(pyStrings(try m.stateDict().keys))
        golden.expectStdout(out)
    }

    @Test func register_buffer_dot_error() throws {
        try ApiCase.named("register_buffer_dot_error").expectRaises { try Module().registerBuffer("a.b", Tensor.zeros([1])) }
    }

    @Test func register_buffer_empty_error() throws {
        try ApiCase.named("register_buffer_empty_error").expectRaises { try Module().registerBuffer("", Tensor.zeros([1])) }
    }

    @Test func register_buffer_existing_param_error() throws {
        try ApiCase.named("register_buffer_existing_param_error").expectRaises {
            try Linear(1, 1).registerBuffer("weight", Tensor.zeros([1]))
        }
    }

    // Covered by the compiler, not by a test:
    // compiler-enforced: register_buffer_nontensor_error — `registerBuffer` takes `Tensor?`: an int does not type-check.
    // compiler-enforced: register_buffer_nonstring_error — names are `String` in every registration method.

    @Test func register_module_ok_and_none() throws {
        let golden = try ApiCase.named("register_module_ok_and_none")
        let m = Module()
        try m.registerModule("a", ReLU())
        try m.addModule("b", nil)
        try m.addModule("c", Tanh())
        let out = PythonStdout()
        out.print(pyStrings(Array(m._modules.keys)))
        out.print(pyStrings(m.namedChildren().map(\.name)))
        out.print(m.description)
        golden.expectStdout(out)
    }

    @Test func add_module_dot_error() throws {
        try ApiCase.named("add_module_dot_error").expectRaises { try Module().addModule("a.b", ReLU()) }
    }

    @Test func add_module_empty_error() throws {
        try ApiCase.named("add_module_empty_error").expectRaises { try Module().addModule("", ReLU()) }
    }

    @Test func add_module_existing_attr_error() throws {
        try ApiCase.named("add_module_existing_attr_error").expectRaises { try Module().addModule("training", ReLU()) }
    }

    // Covered by the compiler, not by a test:
    // compiler-enforced: add_module_non_module_error — `addModule` takes `Module?`: an int or a tensor does not type-check.
    // compiler-enforced: add_module_nonstring_error — names are `String` in every registration method.
    // compiler-enforced: register_module_non_module_error — `registerModule` takes `Module?`.

    /// The snippet's `class M` (buffer_class_autoregister): `nn.Buffer` attributes.
    final class BufferOwner: Module, @unchecked Sendable {
        static func make() throws -> BufferOwner {
            let m = BufferOwner()
            try m.setAttribute("a", Buffer(Tensor.zeros([2])))
            try m.setAttribute("b", Buffer(Tensor.ones([1]), persistent: false))
            try m.setAttribute("c", .tensor(Tensor.ones([1])))
            return m
        }
    }

    @Test func buffer_class_autoregister() throws {
        let golden = try ApiCase.named("buffer_class_autoregister")
        let m = try BufferOwner.make()
        let out = PythonStdout()
        out.print(pyStrings(m.namedBuffers().map(\.name)), pyStrings(try m.stateDict().keys),
                  try m.getAttribute("a").tensor?.typeName ?? "")
        golden.expectStdout(out)
    }

    @Test func get_name_and_class() throws {
        let golden = try ApiCase.named("get_name_and_class")
        let out = PythonStdout()
        out.print(Linear(1, 1).typeName, Sequential().typeName)
        golden.expectStdout(out)
    }
}
