import NNModules
import Testing

/// api_cases.json: recursive settings — `apply`, `train`/`eval`, `requires_grad_`, `zero_grad`.
@Suite("api_cases: apply, train/eval, requires_grad_, zero_grad")
struct ModeCaseTests {
    @Test func apply_init_weights_doc_example() throws {
        let golden = try ApiCase.named("apply_init_weights_doc_example")
        let out = PythonStdout()
        let net = Sequential(Linear(2, 2), Linear(2, 2))
        let r = try net.apply { m in
            out.print(m.description)
            if Swift.type(of: m) == Linear.self, let weight = (m as? Linear)?.weight {
                try weight.fill_(1.0)
                out.print(weight.description)
            }
        }
        out.print(py(r === net))
        golden.expectStdout(out)
    }

    @Test func apply_order_nested() throws {
        let golden = try ApiCase.named("apply_order_nested")
        let net = Sequential(Sequential(Linear(1, 1), ReLU()), Linear(1, 1))
        let names = Dictionary(uniqueKeysWithValues: net.namedModules().map { (ObjectIdentifier($0.module), $0.name) })
        var order: [String] = []
        net.apply { m in
            let name = names[ObjectIdentifier(m)] ?? ""
            order.append(name.isEmpty ? "<root>" : name)
        }
        golden.expectResult(pyStrings(order))
    }

    @Test func train_eval_propagation() throws {
        let golden = try ApiCase.named("train_eval_propagation")
        let net = Sequential(Linear(1, 1), Sequential(try Dropout(), BatchNorm1d(1)))
        let out = PythonStdout()
        func modes() -> String { pyList(net.modules().map { py($0.training) }) }
        out.print(modes())
        out.print(py(net.eval() === net), modes())
        try #require(try net[1]).train()
        out.print(modes())
        net.train(false)
        out.print(modes())
        net.train()
        out.print(modes())
        golden.expectStdout(out)
    }

    // Api cases that Swift's type system makes impossible are covered by the compiler, not by a test
    // (ApiCaseCoverageTests reads these `compiler-enforced:` lines):
    // compiler-enforced: train_non_bool_error — `train(_ mode: Bool)`: a string does not type-check.

    @Test func requires_grad_submodule() throws {
        let golden = try ApiCase.named("requires_grad_submodule")
        let model = Sequential(Linear(4, 8), ReLU(), Linear(8, 2))
        let first = try #require(try model[0])
        let r = first.requiresGrad_(false)
        let out = PythonStdout()
        out.print(py(r === first))
        let params = model.parameters()
        out.print(String(try numelSum(params)),
                  String(try numelSum(params.filter(\.requiresGrad))))
        out.print(pyList(model.namedParameters().map { pyTuple([pyRepr($0.name), py($0.parameter.requiresGrad)]) }))
        golden.expectStdout(out)
    }

    @Test func requires_grad_returns_self() throws {
        let golden = try ApiCase.named("requires_grad_returns_self")
        let m = Linear(1, 1)
        let out = PythonStdout()
        out.print(py(m.requiresGrad_(false) === m), pyList(m.parameters().map { py($0.requiresGrad) }))
        golden.expectStdout(out)
    }

    @Test
    func zero_grad_set_to_none() throws {
        let golden = try ApiCase.named("zero_grad_set_to_none")
        let m = Linear(2, 1)
        let weight = try #require(m.weight), bias = try #require(m.bias)
        func grads() -> String { [weight.grad, bias.grad].map { $0?.description ?? "None" }.joined(separator: " ") }
        let out = PythonStdout()
        try backward(try m(Tensor.ones([1, 2])).sum())
        out.print(grads())
        try m.zeroGrad(setToNone: false)
        out.print(grads())
        try backward(try m(Tensor.ones([1, 2])).sum())
        try m.zeroGrad()
        out.print(grads())
        golden.expectStdout(out)
    }
}
