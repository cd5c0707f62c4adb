import Foundation
import NNModules
import Testing

/// One float64 finite-difference check per layer of the compute issue: the gradient of every input and
/// every parameter (tolerance 1e-6), with the edge cases each layer's derivative has to get right.
@Suite struct LayerGradientCheckTests {
    typealias Check = LayerGradCheck

    // MARK: Linear and shape layers

    @Test func linear() throws {
        let m = Linear(3, 4, dtype: .float64)
        try Check.check("Linear 3-D input", m, inputs: [try Check.input([2, 2, 3], seed: 1)]) { try m($0[0]) }
        let plain = Linear(3, 2, bias: false, dtype: .float64)
        try Check.check("Linear without bias, 1-D input", plain, inputs: [try Check.input([3], seed: 2)]) { try plain($0[0]) }
    }

    @Test func bilinear() throws {
        let m = Bilinear(3, 2, 4, dtype: .float64)
        let inputs = [try Check.input([2, 3, 3], seed: 3), try Check.input([2, 3, 2], seed: 4)]
        try Check.check("Bilinear", m, inputs: inputs) { try Check.joined(try m(.tensor($0[0]), .tensor($0[1]))) }
    }

    @Test func identityFlattenUnflatten() throws {
        let x = try Check.input([2, 3, 4], seed: 5)
        let identity = Identity()
        try Check.check("Identity", identity, inputs: [x]) { try identity($0[0]) }
        let flatten = Flatten()
        try Check.check("Flatten", flatten, inputs: [x]) { try flatten($0[0]) * $0[0].reshape([2, 12]) }
        let unflatten = Unflatten(dim: 2, unflattenedSize: [2, 2])
        try Check.check("Unflatten", unflatten, inputs: [x]) { try unflatten($0[0]).exp() }
    }

    // MARK: Convolutions

    @Test func conv1d() throws {
        let m = try Conv1d(4, 6, kernelSize: 3, stride: 2, padding: 2, dilation: 2, groups: 2, dtype: .float64)
        try Check.check("Conv1d stride/dilation/groups", m, inputs: [try Check.input([2, 4, 9], seed: 6)]) { try m($0[0]) }
        let same = try Conv1d(2, 3, kernelSize: 4, padding: .same, paddingMode: "circular", dtype: .float64)
        try Check.check("Conv1d same (even kernel), circular", same, inputs: [try Check.input([2, 5], seed: 7)]) { try same($0[0]) }
    }

    @Test func conv2d() throws {
        let m = try Conv2d(4, 6, kernelSize: [3, 2], stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2, dtype: .float64)
        try Check.check("Conv2d stride/padding/dilation/groups", m, inputs: [try Check.input([2, 4, 6, 5], seed: 8)]) { try m($0[0]) }
        let same = try Conv2d(2, 3, kernelSize: [2, 3], padding: .same, dilation: [2, 1], dtype: .float64)
        try Check.check("Conv2d same, asymmetric", same, inputs: [try Check.input([1, 2, 4, 5], seed: 9)]) { try same($0[0]) }
        let depthwise = try Conv2d(3, 3, kernelSize: 3, stride: 2, padding: 1, groups: 3, bias: false, dtype: .float64)
        try Check.check("Conv2d depthwise, no bias, unbatched", depthwise, inputs: [try Check.input([3, 5, 5], seed: 10)]) { try depthwise($0[0]) }
        for mode in ["reflect", "replicate"] {
            let padded = try Conv2d(2, 2, kernelSize: 3, padding: [1, 2], paddingMode: mode, dtype: .float64)
            try Check.check("Conv2d padding_mode \(mode)", padded, inputs: [try Check.input([1, 2, 4, 4], seed: 11)]) { try padded($0[0]) }
        }
    }

    @Test func convTranspose2d() throws {
        let m = try ConvTranspose2d(4, 6, kernelSize: [3, 2], stride: 2, padding: 1, outputPadding: 1, groups: 2,
                                    dilation: [1, 2], dtype: .float64)
        try Check.check("ConvTranspose2d stride/padding/output_padding/groups", m, inputs: [try Check.input([2, 4, 3, 3], seed: 12)]) { try m($0[0]) }
        // output_padding ≥ stride (allowed below the dilation): the adjoint convolution is cut to size.
        let wide = try ConvTranspose2d(2, 3, kernelSize: 2, stride: 1, outputPadding: 1, bias: false, dilation: 2, dtype: .float64)
        try Check.check("ConvTranspose2d output_padding ≥ stride", wide, inputs: [try Check.input([1, 2, 3, 2], seed: 13)]) { try wide($0[0]) }
    }

    // MARK: Pooling

    @Test func maxPool2d() throws {
        let x = try Check.input([2, 2, 7, 6], seed: 14)
        let m = MaxPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true)
        try Check.check("MaxPool2d padding ceil_mode", m, inputs: [x]) { try m($0[0]) }
        let dilated = MaxPool2d(kernelSize: [2, 3], stride: 1, dilation: [2, 1])
        try Check.check("MaxPool2d dilation, overlapping windows", dilated, inputs: [x]) { try dilated($0[0]) }
        let indexed = MaxPool2d(kernelSize: 2, returnIndices: true)
        try Check.check("MaxPool2d return_indices", indexed, inputs: [try Check.input([2, 5, 4], seed: 15)]) {
            guard case .tuple(let pair) = try indexed(.tensor($0[0])), let values = pair.first?.tensor else { throw TorchError.runtimeError("no tuple") }
            return values
        }
    }

    @Test func avgPool2d() throws {
        let x = try Check.input([2, 2, 6, 5], seed: 16)
        for includePad in [true, false] {
            let m = AvgPool2d(kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: includePad)
            try Check.check("AvgPool2d ceil_mode count_include_pad=\(includePad)", m, inputs: [x]) { try m($0[0]) }
        }
        let divided = AvgPool2d(kernelSize: [2, 3], stride: [1, 2], padding: [1, 0], divisorOverride: 5)
        try Check.check("AvgPool2d divisor_override", divided, inputs: [try Check.input([2, 4, 7], seed: 17)]) { try divided($0[0]) }
    }

    @Test func adaptiveAvgPool2d() throws {
        let x = try Check.input([2, 2, 5, 7], seed: 18)
        let m = AdaptiveAvgPool2d([2, 3])
        try Check.check("AdaptiveAvgPool2d overlapping cells", m, inputs: [x]) { try m($0[0]) }
        let global = AdaptiveAvgPool2d(1)
        try Check.check("AdaptiveAvgPool2d global", global, inputs: [x]) { try global($0[0]) }
    }

    // MARK: Normalization

    @Test func batchNorm1d() throws {
        let m = BatchNorm1d(3, dtype: .float64)
        try randomizeAffine(m)
        for training in [true, false] {
            m.train(training)
            try Check.check("BatchNorm1d [N, C] training=\(training)", m, inputs: [try Check.input([4, 3], seed: 19)]) { try m($0[0]) }
            try Check.check("BatchNorm1d [N, C, L] training=\(training)", m, inputs: [try Check.input([2, 3, 3], seed: 20)]) { try m($0[0]) }
        }
    }

    @Test func batchNorm2d() throws {
        let m = BatchNorm2d(2, dtype: .float64)
        try randomizeAffine(m)
        for training in [true, false] {
            m.train(training)
            try Check.check("BatchNorm2d training=\(training)", m, inputs: [try Check.input([2, 2, 3, 2], seed: 21)]) { try m($0[0]) }
        }
    }

    @Test func layerNorm() throws {
        let m = LayerNorm([3, 4], dtype: .float64)
        try randomizeAffine(m)
        try Check.check("LayerNorm over two dims", m, inputs: [try Check.input([2, 3, 4], seed: 22)]) { try m($0[0]) }
    }

    @Test func groupNorm() throws {
        let m = try GroupNorm(2, 4, dtype: .float64)
        try randomizeAffine(m)
        try Check.check("GroupNorm [N, C, L]", m, inputs: [try Check.input([2, 4, 3], seed: 23)]) { try m($0[0]) }
        try Check.check("GroupNorm [N, C, H, W]", m, inputs: [try Check.input([1, 4, 2, 3], seed: 24)]) { try m($0[0]) }
        let plain = try GroupNorm(1, 3, affine: false, dtype: .float64)
        try Check.check("GroupNorm one group, no affine", plain, inputs: [try Check.input([2, 3, 2], seed: 25)]) { try plain($0[0]) }
    }

    @Test func rmsNorm() throws {
        let m = RMSNorm([2, 3], eps: 1e-6, dtype: .float64)
        try randomizeAffine(m)
        try Check.check("RMSNorm", m, inputs: [try Check.input([3, 2, 3], seed: 26)]) { try m($0[0]) }
    }

    // MARK: Activations

    @Test func relu() throws { try activation(ReLU(), "ReLU", scale: 1) }
    @Test func relu6() throws { try activation(ReLU6(), "ReLU6", scale: 4.5) }
    @Test func leakyRelu() throws { try activation(LeakyReLU(0.2), "LeakyReLU", scale: 1) }
    @Test func geluErf() throws { try activation(try GELU(), "GELU", scale: 2) }
    @Test func geluTanh() throws { try activation(try GELU(approximate: "tanh"), "GELU tanh", scale: 2) }
    @Test func silu() throws { try activation(SiLU(), "SiLU", scale: 2) }
    @Test func sigmoid() throws { try activation(Sigmoid(), "Sigmoid", scale: 2) }
    @Test func tanh() throws { try activation(Tanh(), "Tanh", scale: 2) }
    @Test func hardswish() throws { try activation(Hardswish(), "Hardswish", scale: 2.6) }

    @Test func softmax() throws {
        let x = try Check.input([2, 3, 4], seed: 27)
        for dim in [0, 1, -1] {
            let m = Softmax(dim: dim)
            try Check.check("Softmax dim=\(dim)", m, inputs: [x]) { try m($0[0]) }
        }
    }

    @Test func dropout() throws {
        let m = try Dropout(p: 0.4)
        try Check.check("Dropout training", m, inputs: [try Check.input([3, 5], seed: 28)]) { inputs in
            try DefaultGenerator.forkRNG(seed: 11) { try m(inputs[0]) }
        }
        m.eval()
        try Check.check("Dropout eval", m, inputs: [try Check.input([3, 5], seed: 29)]) { try m($0[0]).exp() }
    }

    @Test func embedding() throws {
        let m = try Embedding(5, 3, dtype: .float64)
        let ids = Tensor([0, 1, 3, 0, 4, 4], shape: [2, 3], dtype: .int64)
        try Check.check("Embedding (repeated ids)", m, inputs: []) { _ in try m(ids) }
        // padding_idx's row receives no gradient by definition (the numerical one would see its use).
        let padded = try Embedding(5, 3, paddingIdx: 1, dtype: .float64)
        try padded(ids).sum().backward()
        let grad = try #require(padded.weight?.grad)
        #expect(try grad.select(0, 1).toDoubles() == [0, 0, 0])
        #expect(try grad.select(0, 4).toDoubles() == [2, 2, 2])
    }

    // MARK: Attention and recurrent layers

    @Test func multiheadAttention() throws {
        let m = try MultiheadAttention(4, 2, dtype: .float64)
        let q = try Check.input([3, 2, 4], seed: 30), k = try Check.input([5, 2, 4], seed: 31), v = try Check.input([5, 2, 4], seed: 32)
        try Check.check("MultiheadAttention self/cross, averaged weights", m, inputs: [q, k, v]) {
            try Check.joined(try m(.tensor($0[0]), .tensor($0[1]), .tensor($0[2])))
        }
        let keyPadding = Tensor([0, 0, 1, 0, 1, 0, 0, 0, 0, 1], shape: [2, 5], dtype: .bool)
        let causal = Tensor((0..<15).map { $0 % 5 - $0 / 5 >= 3 ? 1 : 0 }, shape: [3, 5], dtype: .bool)
        try Check.check("MultiheadAttention key_padding_mask + causal attn_mask, per-head weights", m, inputs: [q, k, v]) {
            try Check.joined(try m(.tensor($0[0]), .tensor($0[1]), .tensor($0[2]),
                                   kwargs: ["key_padding_mask": .tensor(keyPadding), "attn_mask": .tensor(causal),
                                            "average_attn_weights": .bool(false)]))
        }
        let separate = try MultiheadAttention(4, 2, addBiasKV: true, addZeroAttn: true, kdim: 3, vdim: 2, batchFirst: true, dtype: .float64)
        let boolMask = Tensor([0, 1, 0, 0, 0, 1], shape: [2, 3], dtype: .bool)
        try Check.check("MultiheadAttention kdim/vdim, bias_kv, zero_attn, batch_first, bool mask", separate,
                        inputs: [try Check.input([2, 2, 4], seed: 33), try Check.input([2, 3, 3], seed: 34), try Check.input([2, 3, 2], seed: 35)]) {
            try Check.joined(try separate(.tensor($0[0]), .tensor($0[1]), .tensor($0[2]), kwargs: ["attn_mask": .tensor(boolMask)]))
        }
    }

    @Test func lstm() throws {
        let m = try LSTM(3, 3, numLayers: 2, batchFirst: true, bidirectional: true, dtype: .float64)
        let x = try Check.input([2, 3, 3], seed: 36)
        let h0 = try Check.input([4, 2, 3], seed: 37), c0 = try Check.input([4, 2, 3], seed: 38)
        try Check.check("LSTM 2 layers, bidirectional, batch_first, (h0, c0)", m, inputs: [x, h0, c0]) {
            try Check.joined(try m(.tensor($0[0]), .tuple([.tensor($0[1]), .tensor($0[2])])))
        }
        let projected = try LSTM(2, 3, dropout: 0.3, projSize: 2, dtype: .float64)
        try Check.check("LSTM proj_size, unbatched, zero state", projected, inputs: [try Check.input([3, 2], seed: 39)]) {
            try Check.joined(try projected(.tensor($0[0])))
        }
        let dropped = try LSTM(2, 2, numLayers: 2, dropout: 0.5, dtype: .float64)
        try Check.check("LSTM dropout between layers (training)", dropped, inputs: [try Check.input([3, 2, 2], seed: 40)]) { inputs in
            // Its own generator: parallel tests draw from the global one between seed and use.
            try DefaultGenerator.forkRNG(seed: 5) { try Check.joined(try dropped(.tensor(inputs[0]))) }
        }
    }

    @Test func gru() throws {
        let m = try GRU(2, 3, numLayers: 2, batchFirst: true, bidirectional: true, dtype: .float64)
        let x = try Check.input([2, 3, 2], seed: 41), h0 = try Check.input([4, 2, 3], seed: 42)
        try Check.check("GRU 2 layers, bidirectional, batch_first, h0", m, inputs: [x, h0]) {
            try Check.joined(try m(.tensor($0[0]), .tensor($0[1])))
        }
        let plain = try GRU(3, 2, bias: false, dtype: .float64)
        try Check.check("GRU without bias", plain, inputs: [try Check.input([4, 1, 3], seed: 43)]) { try Check.joined(try plain(.tensor($0[0]))) }
    }

    @Test func rnn() throws {
        for nonlinearity in ["tanh", "relu"] {
            let m = try RNN(2, 3, numLayers: 2, nonlinearity: nonlinearity, bidirectional: true, dtype: .float64)
            try Check.check("RNN \(nonlinearity)", m, inputs: [try Check.input([3, 2, 2], seed: 44)]) { try Check.joined(try m(.tensor($0[0]))) }
        }
    }

    @Test func transformerEncoderLayer() throws {
        let m = try TransformerEncoderLayer(dModel: 4, nhead: 2, dimFeedforward: 6, dropout: 0, activation: "gelu",
                                            batchFirst: true, normFirst: true, dtype: .float64)
        try Check.check("TransformerEncoderLayer pre-norm", m, inputs: [try Check.input([2, 3, 4], seed: 45)]) { try m($0[0]) }
    }

    // MARK: Helpers

    /// Affine parameters away from their 1/0 initialization, so a wrong weight gradient cannot hide.
    private func randomizeAffine(_ m: Module) throws {
        for (i, (_, p)) in m.namedParameters().enumerated() {
            p.setData(try GradCheck.input(p.sizes, seed: 60 + i) * 0.5 + 1)
        }
    }

    private func activation(_ m: Module, _ label: String, scale: Double) throws {
        try Check.check(label, m, inputs: [try Check.input([3, 7], seed: 46, scale: scale)]) { try m($0[0]) }
    }
}
