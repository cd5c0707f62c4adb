import NNModules
import Testing

/// One `repr_*` case whose snippet is `print(repr(m)); print(repr(m.extra_repr()))`.
struct ReprCase: Sendable, CustomTestStringConvertible {
    let id: String
    let build: @Sendable () throws -> Module
    var testDescription: String { id }

    init(_ id: String, _ build: @escaping @Sendable () throws -> Module) {
        self.id = id
        self.build = build
    }
}

/// api_cases.json: `repr()` and `extra_repr()` of layers and containers, and custom reprs.
@Suite("api_cases: repr")
struct ReprCaseTests {
    static let standard: [ReprCase] = [
        ReprCase("repr_Linear") { Linear(4, 3) },
        ReprCase("repr_Linear_nobias") { Linear(4, 3, bias: false) },
        ReprCase("repr_Conv2d") { try Conv2d(3, 16, kernelSize: 3) },
        ReprCase("repr_Conv2d_full") {
            try Conv2d(3, 16, kernelSize: [3, 5], stride: 2, padding: 1, dilation: 2, groups: 1, bias: false, paddingMode: "reflect")
        },
        ReprCase("repr_Conv2d_groups_same") { try Conv2d(8, 8, kernelSize: 3, padding: .same, groups: 8) },
        ReprCase("repr_Conv1d") { try Conv1d(2, 4, kernelSize: 3, stride: 1) },
        ReprCase("repr_ConvTranspose2d") { try ConvTranspose2d(4, 2, kernelSize: 2, stride: 2, outputPadding: 1) },
        ReprCase("repr_BatchNorm2d") { BatchNorm2d(16) },
        ReprCase("repr_BatchNorm2d_options") { BatchNorm2d(16, eps: 1e-3, momentum: nil, affine: false, trackRunningStats: false) },
        ReprCase("repr_BatchNorm1d") { BatchNorm1d(5, momentum: 0.01) },
        ReprCase("repr_ReLU") { ReLU() },
        ReprCase("repr_ReLU_inplace") { ReLU(inplace: true) },
        ReprCase("repr_ReLU6") { ReLU6() },
        ReprCase("repr_GELU") { try GELU() },
        ReprCase("repr_GELU_tanh") { try GELU(approximate: "tanh") },
        ReprCase("repr_SiLU") { SiLU() },
        ReprCase("repr_Tanh") { Tanh() },
        ReprCase("repr_Softmax") { Softmax(dim: -1) },
        ReprCase("repr_LeakyReLU") { LeakyReLU(0.2) },
        ReprCase("repr_Dropout") { try Dropout() },
        ReprCase("repr_Dropout_p") { try Dropout(p: 0.25, inplace: true) },
        ReprCase("repr_LayerNorm") { LayerNorm(64) },
        ReprCase("repr_LayerNorm_2d_noaffine") { LayerNorm([3, 4], eps: 1e-6, elementwiseAffine: false) },
        ReprCase("repr_LayerNorm_nobias") { LayerNorm(8, bias: false) },
        ReprCase("repr_RMSNorm") { RMSNorm(8) },
        ReprCase("repr_GroupNorm") { try GroupNorm(2, 8) },
        ReprCase("repr_Embedding") { try Embedding(10, 3) },
        ReprCase("repr_Embedding_padding") { try Embedding(10, 3, paddingIdx: 0, maxNorm: 1.0) },
        ReprCase("repr_MaxPool2d") { MaxPool2d(2) },
        ReprCase("repr_MaxPool2d_full") { MaxPool2d(kernelSize: 3, stride: 2, padding: 1) },
        ReprCase("repr_AvgPool2d") { AvgPool2d(2) },
        ReprCase("repr_AdaptiveAvgPool2d") { AdaptiveAvgPool2d([1, 1]) },
        ReprCase("repr_Flatten") { Flatten() },
        ReprCase("repr_Unflatten") { Unflatten(dim: 1, unflattenedSize: [2, 5]) },
        ReprCase("repr_Identity") { Identity() },
        ReprCase("repr_Upsample") { Upsample(scaleFactor: 2, mode: "nearest") },
        ReprCase("repr_MultiheadAttention") { try MultiheadAttention(8, 2) },
        ReprCase("repr_MultiheadAttention_kdim") { try MultiheadAttention(8, 2, kdim: 4, vdim: 4, batchFirst: true) },
        ReprCase("repr_LSTM") { try LSTM(10, 20, numLayers: 2) },
        ReprCase("repr_LSTM_options") { try LSTM(10, 20, batchFirst: true, bidirectional: true) },
        ReprCase("repr_GRU") { try GRU(4, 8, numLayers: 1, bias: false) },
        ReprCase("repr_RNN") { try RNN(4, 8, nonlinearity: "relu") },
        ReprCase("repr_TransformerEncoderLayer") { try TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16) },
        ReprCase("repr_Sequential_empty") { Sequential() },
        ReprCase("repr_Sequential_nested") {
            Sequential(try Conv2d(1, 2, kernelSize: 3), Sequential(ReLU(), Sequential(Linear(2, 2))), Flatten())
        },
        ReprCase("repr_Sequential_repeated_no_collapse") { Sequential(Linear(2, 2), Linear(2, 2), Linear(2, 2)) },
        ReprCase("repr_Sequential_ordereddict") {
            try Sequential(named: [("conv1", try Conv2d(1, 20, kernelSize: 5)), ("relu1", ReLU())])
        },
        ReprCase("repr_ModuleList") { ModuleList([Linear(2, 2), ReLU(), Linear(2, 2)]) },
        ReprCase("repr_ModuleList_repeated_collapse") {
            ModuleList((0..<4).map { _ in Linear(2, 2) } + [ReLU(), Linear(2, 2), Linear(2, 2)])
        },
        ReprCase("repr_ModuleList_nested_repeated") { ModuleList((0..<3).map { _ in Sequential(Linear(2, 2), ReLU()) }) },
        ReprCase("repr_ModuleList_empty") { ModuleList() },
        ReprCase("repr_ModuleDict") { try ModuleDict([("conv", try Conv2d(1, 1, kernelSize: 1)), ("act", ReLU())]) },
        ReprCase("repr_ModuleDict_empty") { try ModuleDict() },
        ReprCase("repr_ParameterList") {
            try ParameterList([Parameter(Tensor.ones([2, 3])), Parameter(Tensor.zeros([4], dtype: .float64)), Parameter(Tensor.ones([]))])
        },
        ReprCase("repr_ParameterList_mixed") {
            try ParameterList([.tensor(Parameter(Tensor.ones([2]))), .string("a string"), .tensor(Tensor.zeros([3]))])
        },
        ReprCase("repr_ParameterDict") {
            try ParameterDict(tensors: [("a", Parameter(Tensor.ones([2, 3]))), ("b", Parameter(Tensor.ones([2], dtype: .float64))),
                                        ("c", Parameter(Tensor.ones([1], dtype: .float16), requiresGrad: false))])
        },
        ReprCase("repr_ParameterDict_empty") { try ParameterDict() },
        ReprCase("repr_Module_base") { Module() },
    ]

    @Test(arguments: standard)
    func reprAndExtraRepr(_ reprCase: ReprCase) throws {
        let golden = try ApiCase.named(reprCase.id)
        let m = try reprCase.build()
        let out = PythonStdout()
        out.print(m.repr())
        out.print(pyRepr(m.extraRepr()))
        golden.expectStdout(out)
    }

    /// repr_custom_extra_repr's `Scaler(k)`: a one-line extra_repr.
    final class Scaler: Module, @unchecked Sendable {
        let k: Int
        init(_ k: Int) {
            self.k = k
            super.init()
        }
        override func extraRepr() -> String { "k=\(k)" }
    }

    /// repr_custom_extra_repr's `Multi`: a two-line extra_repr followed by children.
    final class Multi: Module, @unchecked Sendable {
        static func make() throws -> Multi {
            let m = Multi()
            try m.setAttribute("inner", .module(Scaler(2)))
            try m.setAttribute("lin", .module(Linear(1, 1)))
            return m
        }
        override func extraRepr() -> String { "first line\nsecond line" }
    }

    @Test func repr_custom_extra_repr() throws {
        let golden = try ApiCase.named("repr_custom_extra_repr")
        let out = PythonStdout()
        out.print(Scaler(3).description)
        out.print(try Multi.make().description)
        out.print(Sequential(try Multi.make(), Scaler(1)).description)
        golden.expectStdout(out)
    }

    /// repr_custom_no_children_no_extra's `class Empty(nn.Module): pass`.
    final class Empty: Module, @unchecked Sendable {}

    @Test func repr_custom_no_children_no_extra() throws {
        let golden = try ApiCase.named("repr_custom_no_children_no_extra")
        let out = PythonStdout()
        out.print(Empty().repr())
        golden.expectStdout(out)
    }

    @Test func repr_deep_indent() throws {
        let golden = try ApiCase.named("repr_deep_indent")
        let out = PythonStdout()
        out.print(Sequential(Sequential(Sequential(Sequential(Linear(1, 1))))).description)
        golden.expectStdout(out)
    }
}
