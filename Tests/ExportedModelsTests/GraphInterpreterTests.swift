@testable import Checkpoints
@testable import ExportedModels
import GoldenSupport
import NNModules
import Testing

/// Interpreter behaviour the goldens do not cover: symbolic sizes of dynamic dimensions, buffer mutations,
/// training steps.
@Suite struct GraphInterpreterTests {
    static func node(_ target: String, _ inputs: [(String, ExportedArgument)], _ output: ExportedArgument) -> ExportedNode {
        ExportedNode(
            target: target, inputs: inputs.map { ExportedNamedArgument(name: $0.0, argument: $0.1, kind: 1) }, outputs: [output],
            moduleStack: [])
    }

    /// An interpreter of `nodes`, which take the graph input `x` and compute its output `out`.
    static func interpreter(_ nodes: [ExportedNode]) throws -> GraphInterpreter {
        let program = ExportedProgram(
            nodes: nodes, inputs: [.tensor("x")], outputs: [.tensor("out")],
            inputSpecs: [ExportedInputSpec(kind: .userInput, argument: .tensor("x"), target: nil)],
            outputSpecs: [ExportedOutputSpec(kind: "user_output", argument: .tensor("out"), target: nil)],
            moduleNames: [""], forwardArgumentNames: ["x"], outputNames: ["output"], tensorValues: [:])
        let interpreter = try GraphInterpreter(program: program, placeholders: [:], kernels: ATenOps.kernels)
        try interpreter.attach(to: Module())
        return interpreter
    }

    /// `x.view(x.size(1) * 2, -1)` as exported with a dynamic dimension.
    @Test func symbolicSizesAreReadAtRunTime() throws {
        let interpreter = try Self.interpreter([
            Self.node("torch.ops.aten.sym_size.int", [("self", .tensor("x")), ("dim", .int(1))], .symInt(.name("s1"))),
            Self.node("_operator.mul", [("", .symInt(.name("s1"))), ("", .int(2))], .symInt(.name("s2"))),
            Self.node("torch.ops.aten.view.default", [("self", .tensor("x")), ("size", .symInts([.name("s2"), .int(-1)]))], .tensor("out")),
        ])
        #expect(try interpreter.run([Tensor.zeros([2, 3, 4])]).map(\.sizes) == [[6, 4]])
        #expect(try interpreter.run([Tensor.zeros([5, 7, 2])]).map(\.sizes) == [[14, 5]])
    }

    /// `self.count += 1` in a graph exported in training mode: the graph returns the new value, the
    /// interpreter writes it back.
    @Test func bufferMutationsAreWrittenBack() throws {
        let count = Tensor([0], shape: [1])
        let program = ExportedProgram(
            nodes: [
                Self.node("torch.ops.aten.add.Tensor", [("self", .tensor("b_count")), ("other", .int(1))], .tensor("add")),
                Self.node("torch.ops.aten.mul.Tensor", [("self", .tensor("x")), ("other", .tensor("add"))], .tensor("out")),
            ],
            inputs: [.tensor("b_count"), .tensor("x")], outputs: [.tensor("add"), .tensor("out")],
            inputSpecs: [ExportedInputSpec(kind: .buffer(persistent: true), argument: .tensor("b_count"), target: "count"),
                         ExportedInputSpec(kind: .userInput, argument: .tensor("x"), target: nil)],
            outputSpecs: [ExportedOutputSpec(kind: "buffer_mutation", argument: .tensor("add"), target: "count"),
                          ExportedOutputSpec(kind: "user_output", argument: .tensor("out"), target: nil)],
            moduleNames: [""], forwardArgumentNames: ["x"], outputNames: ["output"], tensorValues: [:])
        let interpreter = try GraphInterpreter(program: program, placeholders: ["b_count": count], kernels: ATenOps.kernels)
        try interpreter.attach(to: Module())
        #expect(try interpreter.run([Tensor([3], shape: [1])]).first?.toDoubles() == [3])
        #expect(try interpreter.run([Tensor([3], shape: [1])]).first?.toDoubles() == [6])
        #expect(try count.toDoubles() == [2])
    }

    /// The graph records autograd when grad is enabled, so a training step reaches the parameters.
    @Test func aTrainingStepReachesTheParameters() throws {
        let model = try ExportedProgramModule(contentsOf: try Goldens.url("export/custom_cnn/model.pt2"))
        let output = try model.call([.tensor(Tensor.randn([2, 3, 32, 32]))])
        let loss = try output.flattenedTensors().map { try $0.tensor.sum() }.reduce(Tensor(scalar: 0.0)) { try $0 + $1 }
        try loss.backward()
        for name in ["stem.weight", "blocks.1.norm.bias", "heads.aux.weight"] {
            #expect(try model.getParameter(name).grad != nil, "\(name) has no gradient")
        }
    }

    /// `torch.where(x != 0, x, x)`: its kernel is elementwise outside autograd.
    @Test func anOpWithoutDerivativeSaysSoInATrainingStep() throws {
        let interpreter = try Self.interpreter([
            Self.node("torch.ops.aten.ne.Scalar", [("self", .tensor("x")), ("other", .int(0))], .tensor("mask")),
            Self.node("torch.ops.aten.where.self", [("condition", .tensor("mask")), ("self", .tensor("x")), ("other", .tensor("x"))], .tensor("out")),
        ])
        let x = try Tensor.randn([3, 2]).requiresGrad_()
        #expect(try GradMode.noGrad { try interpreter.run([x]) }.first?.sizes == [3, 2])
        do {
            _ = try interpreter.run([x])
            Issue.record("a training step went through an op without derivative")
        } catch {
            #expect("\(error)" == "aten.where.self (in the root module) has no derivative in nntop, so a training step cannot go through it")
        }
    }
}
