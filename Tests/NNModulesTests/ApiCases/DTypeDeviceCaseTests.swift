import NNModules
import Testing

/// api_cases.json: dtype and device moves of whole modules (`to`, `type`, `half`..., `to_empty`, meta,
/// `share_memory`).
@Suite("api_cases: dtype and device moves")
struct DTypeDeviceCaseTests {
    /// The snippets' `class M`: a Linear plus float, int64 and bool buffers.
    final class M: Module, @unchecked Sendable {
        static func make() throws -> M {
            let m = M()
            try m.setAttribute("lin", .module(Linear(2, 2)))
            try m.registerBuffer("fbuf", Tensor.zeros([2]))
            try m.registerBuffer("ibuf", Tensor.zeros([2], dtype: .int64))
            try m.registerBuffer("bbuf", Tensor.zeros([2], dtype: .bool))
            return m
        }

        /// The snippets' `dt(m)`: dtype names of parameters then buffers.
        var dtypes: String {
            let tensors = namedParameters().map { ($0.name, $0.parameter as Tensor) } + namedBuffers().map { ($0.name, $0.buffer) }
            return pyDict(tensors.map { (pyRepr($0.0), pyRepr($0.1.dtype.torchName)) })
        }

        var linWeight: Parameter? { (child("lin") as? Linear)?.weight }
    }

    @Test func to_float64() throws {
        let golden = try ApiCase.named("to_float64")
        let m = try M.make()
        let w = m.linWeight
        let out = PythonStdout()
        out.print(py(try m.to(dtype: .float64) === m), py(w === m.linWeight))
        out.print(m.dtypes)
        golden.expectStdout(out)
    }

    @Test func half() throws {
        let golden = try ApiCase.named("half")
        let m = try M.make()
        try m.half()
        let out = PythonStdout()
        out.print(m.dtypes)
        golden.expectStdout(out)
    }

    @Test func bfloat16() throws {
        let golden = try ApiCase.named("bfloat16")
        let m = try M.make()
        try m.bfloat16()
        let out = PythonStdout()
        out.print(m.dtypes)
        golden.expectStdout(out)
    }

    @Test func double_then_float() throws {
        let golden = try ApiCase.named("double_then_float")
        let m = try M.make()
        let out = PythonStdout()
        try m.double()
        out.print(m.dtypes)
        try m.float()
        out.print(m.dtypes)
        golden.expectStdout(out)
    }

    @Test func to_int_dtype_error() throws {
        let m = try M.make()
        try ApiCase.named("to_int_dtype_error").expectRaises { try m.to(dtype: .int32) }
    }

    @Test func to_complex_warning() throws {
        let golden = try ApiCase.named("to_complex_warning")
        let m = try M.make()
        let (_, warnings) = try Warnings.capture { try m.to(dtype: .complex64) }
        let out = PythonStdout()
        out.print(m.dtypes)
        golden.expectStdout(out)
        golden.expectWarnings(warnings)
    }

    @Test func type_casts_everything() throws {
        let golden = try ApiCase.named("type_casts_everything")
        let m = try M.make()
        try m.type(.float64)
        let out = PythonStdout()
        out.print(m.dtypes)
        golden.expectStdout(out)
    }

    @Test func cpu_noop() throws {
        let golden = try ApiCase.named("cpu_noop")
        let m = try M.make()
        let w = m.linWeight
        let out = PythonStdout()
        out.print(py(try m.cpu() === m), py(w === m.linWeight))
        out.print(m.dtypes)
        golden.expectStdout(out)
    }

    @Test func type_float32_casts_int_buffers() throws {
        let golden = try ApiCase.named("type_float32_casts_int_buffers")
        let m = try M.make()
        let w = m.linWeight
        let out = PythonStdout()
        out.print(py(try m.type(.float32) === m), py(w === m.linWeight))
        out.print(m.dtypes)
        golden.expectStdout(out)
    }

    @Test func to_meta_and_to_empty() throws {
        let golden = try ApiCase.named("to_meta_and_to_empty")
        let m = Sequential(Linear(2, 3), BatchNorm1d(3))
        try m.to("meta")
        let out = PythonStdout()
        out.print(try #require((try m[0] as? Linear)?.weight).description)
        out.print(pyDict(try m.stateDict().map { key, value in
            let t = try #require(value.tensor)
            return (pyRepr(key), pyTuple([pyRepr(t.device.description), try shapeTuple(t)]))
        }))
        out.print(torchSize(try m(Tensor.empty([4, 2], device: .meta)).shape))
        try m.toEmpty(device: .cpu)
        out.print(pyDict(try m.stateDict().map { key, value in
            let t = try #require(value.tensor)
            return (pyRepr(key), pyTuple([pyRepr(t.device.description), try shapeTuple(t), pyRepr(t.dtype.torchName)]))
        }))
        golden.expectStdout(out)
    }

    @Test func meta_to_cpu_error() throws {
        let m = Linear(2, 2, device: .meta)
        try ApiCase.named("meta_to_cpu_error").expectRaises { try m.to("cpu") }
    }

    @Test func meta_device_context() throws {
        let golden = try ApiCase.named("meta_device_context")
        let m = TensorDefaults.$device.withValue(.meta) { Linear(1000, 1000) }
        let weight = try #require(m.weight)
        let out = PythonStdout()
        out.print(weight.device.description, py(weight.isMeta), String(try numelSum(m.parameters())))
        golden.expectStdout(out)
    }

    @Test func share_memory() throws {
        let golden = try ApiCase.named("share_memory")
        let m = Linear(2, 2)
        let weight = try #require(m.weight), bias = try #require(m.bias)
        let out = PythonStdout()
        out.print(py(weight.isShared))
        out.print(py(try m.shareMemory() === m), py(weight.isShared), py(bias.isShared))
        golden.expectStdout(out)
    }
}
