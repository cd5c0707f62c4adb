import NNModules
import Testing

/// api_cases.json: lazy modules and `UninitializedParameter`/`UninitializedBuffer`.
@Suite("api_cases: lazy modules")
struct LazyCaseTests {
    @Test func lazy_linear_lifecycle() throws {
        let golden = try ApiCase.named("lazy_linear_lifecycle")
        let m = LazyLinear(3)
        let out = PythonStdout()
        let weight = try #require(m.weight)
        out.print(m.description, weight.typeName, weight.description)
        out.print(py(m.hasUninitializedParams()))
        let y = try m(Tensor.ones([2, 5]))
        out.print(m.description, m.typeName, weight.typeName, try shapeTuple(weight), try shapeTuple(y))
        out.print(m.hasAttribute("has_uninitialized_params") ? py(m.hasUninitializedParams())
                                                              : "no has_uninitialized_params after materialization")
        golden.expectStdout(out)
    }

    @Test func lazy_shape_access_error() throws {
        let weight = try #require(LazyLinear(3).weight)
        try ApiCase.named("lazy_shape_access_error").expectRaises { try weight.shape }
    }

    @Test func lazy_numel_error() throws {
        try ApiCase.named("lazy_numel_error").expectRaises {
            try numelSum(LazyLinear(3).parameters())
        }
    }

    @Test func lazy_allowed_ops() throws {
        let golden = try ApiCase.named("lazy_allowed_ops")
        let m = LazyBatchNorm1d()
        let w = try #require(m.weight)
        let runningMean = try #require(m.runningMean), tracked = try #require(m.numBatchesTracked)
        let out = PythonStdout()
        out.print(w.typeName, py(w.requiresGrad), w.dtype.torchName, w.device.description,
                  py(isInstance(w, of: Parameter.self)), py(isInstance(w, of: Tensor.self)))
        out.print(runningMean.typeName, runningMean.description, tracked.typeName)
        out.print(pyStrings(m.namedParameters().map(\.name)), pyStrings(m.namedBuffers().map(\.name)))
        out.print(m.description)
        out.print(py(isLazy(w)), py(isLazy(tracked)))
        try #require(w as? UninitializedParameter).materialize([4])
        out.print(w.typeName, try shapeTuple(w))
        golden.expectStdout(out)
    }

    @Test func lazy_state_dict() throws {
        let golden = try ApiCase.named("lazy_state_dict")
        let sd = try LazyConv2d(4, kernelSize: 3).stateDict()
        let out = PythonStdout()
        out.print(pyDict(sd.map { (pyRepr($0.key), pyRepr($0.value.tensor?.typeName ?? $0.value.typeName)) }))
        out.print(sd.description)
        golden.expectStdout(out)
    }

    @Test func lazy_conv2d_lifecycle() throws {
        let golden = try ApiCase.named("lazy_conv2d_lifecycle")
        let m = try LazyConv2d(4, kernelSize: 3)
        let out = PythonStdout()
        out.print(m.description)
        _ = try m(Tensor.zeros([1, 2, 5, 5]))
        out.print(m.description, m.typeName, try shapeTuple(try #require(m.weight)))
        golden.expectStdout(out)
    }

    @Test func lazy_load_state_dict_materializes() throws {
        let golden = try ApiCase.named("lazy_load_state_dict_materializes")
        let m = LazyLinear(2)
        try m.loadStateDict(try Linear(7, 2).stateDict())
        let weight = try #require(m.weight)
        let out = PythonStdout()
        out.print(m.typeName, weight.typeName, try shapeTuple(weight), py(m.hasUninitializedParams()))
        _ = try m(Tensor.zeros([1, 7]))
        out.print(m.typeName, m.description)
        golden.expectStdout(out)
    }

    @Test func lazy_in_sequential_repr() throws {
        let golden = try ApiCase.named("lazy_in_sequential_repr")
        let net = Sequential(LazyLinear(4), ReLU(), LazyLinear(2))
        let out = PythonStdout()
        out.print(net.description)
        _ = try net(Tensor.zeros([1, 3]))
        out.print(net.description)
        golden.expectStdout(out)
    }
}
