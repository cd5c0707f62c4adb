import NNModules
import Testing

/// TransformerEncoderLayer: post-norm and norm_first wiring against the children applied by hand, relu and
/// gelu, a causal mask, hooks on children, dropout in training, meta shapes.
@Suite struct TransformerEncoderLayerTests {
    private func encode(_ layer: TransformerEncoderLayer, _ x: Tensor, _ kwargs: Kwargs = [:]) throws -> Tensor {
        try #require(try layer.call([.tensor(x)], kwargs: kwargs).tensor)
    }

    /// The reference formula of PyTorch's `forward`, built from the layer's own children.
    private func reference(_ layer: TransformerEncoderLayer, _ x: Tensor, gelu: Bool) throws -> Tensor {
        func child(_ name: String) throws -> Module { try #require(layer.child(name)) }
        let attention = try #require(layer.child("self_attn") as? MultiheadAttention)
        func selfAttention(_ t: Tensor) throws -> Tensor {
            guard case .tuple(let out) = try attention.call([.tensor(t), .tensor(t), .tensor(t)]) else { throw TorchError.typeError("tuple") }
            return try #require(out[0].tensor)
        }
        func feedForward(_ t: Tensor) throws -> Tensor {
            let h = try child("linear1")(t)
            return try child("linear2")(gelu ? try GELU()(h) : try ReLU()(h))
        }
        if layer.normFirst {
            let a = try x + (try selfAttention(try child("norm1")(x)))
            return try a + (try feedForward(try child("norm2")(a)))
        }
        let a = try child("norm1")(try x + (try selfAttention(x)))
        return try child("norm2")(try a + (try feedForward(a)))
    }

    @Test(arguments: [(false, "relu"), (true, "gelu")])
    func wiringMatchesTheFormula(_ normFirst: Bool, _ activation: String) throws {
        let layer = try TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16, activation: activation, normFirst: normFirst)
        layer.eval()
        let x = Tensor.randn([5, 2, 8])
        try expectClose(try encode(layer, x), try reference(layer, x, gelu: activation == "gelu"), tolerance: 1e-4)
    }

    @Test func causalMaskKeepsTheFirstPositionIndependentOfTheRest() throws {
        let layer = try TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16, batchFirst: true)
        layer.eval()
        let x = Tensor.randn([1, 4, 8])
        let causal = try Tensor.ones([4, 4], dtype: .bool).triu(diagonal: 1)
        let full = try encode(layer, x, ["src_mask": .tensor(causal), "is_causal": .bool(true)])
        let first = try x.narrow(1, start: 0, length: 1)
        try expectClose(try full.narrow(1, start: 0, length: 1), try encode(layer, first), tolerance: 1e-4)
    }

    @Test func childrenHooksRunAndDropoutActsInTraining() throws {
        let layer = try TransformerEncoderLayer(dModel: 8, nhead: 2, dimFeedforward: 16, dropout: 0.5)
        final class Counter: @unchecked Sendable { var calls = 0 }
        let counter = Counter()
        let handle = try #require(layer.child("self_attn")).registerForwardHook { _, _, _ in counter.calls += 1; return nil }
        let x = Tensor.randn([3, 1, 8])
        let trained = try encode(layer, x)
        layer.eval()
        let evaluated = try encode(layer, x)
        #expect(counter.calls == 2)
        handle.remove()
        #expect(try trained.toDoubles() != evaluated.toDoubles())
        try expectClose(try encode(layer, x), evaluated)
    }

    @Test func metaShapesAndActivationError() throws {
        let layer = try TensorDefaults.$device.withValue(.meta) {
            try TransformerEncoderLayer(dModel: 768, nhead: 12, dimFeedforward: 3072, activation: "gelu", batchFirst: true, normFirst: true)
        }
        let y = try encode(layer, Tensor.empty([2, 128, 768], device: .meta))
        #expect(y.sizes == [2, 128, 768])
        #expect(y.isMeta)
        #expect(torchErrorMessage { try TransformerEncoderLayer(dModel: 8, nhead: 2, activation: "tanh") }
            == "activation should be relu/gelu, not tanh")
    }
}
