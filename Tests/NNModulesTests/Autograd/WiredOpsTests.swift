import Foundation
import NNModules
import Testing

/// Gradients through the real operations (not test-defined ones) against float64 finite differences.
@Suite struct WiredOpsTests {
    @Test func elementwiseViewsAndReductions() throws {
        let x = GradCheck.input([2, 3], seed: 3)
        let g = GradCheck.input([3, 2], seed: 4)
        let f: (Tensor) throws -> Tensor = { x in
            let a = try (try x.tanh() * x.sigmoid() + x.exp() / 3.0).transpose(0, 1)
            return try a.softmax(dim: -1) + (try a.select(0, 1).unsqueeze(0).expand([3, 2]) * 0.5)
        }
        try GradCheck.expectClose(try GradCheck.analytical(x, g, f), try GradCheck.numerical(x, g, f), "composite")
    }

    @Test func multilayerPerceptronMatchesFiniteDifferences() throws {
        let l1 = Linear(3, 4, dtype: .float64), l2 = Linear(4, 2, dtype: .float64)
        let model = Sequential(l1, try GELU(), l2)
        let x = GradCheck.input([5, 3], seed: 8)
        let g = GradCheck.input([5, 2], seed: 9)
        try GradCheck.expectClose(try GradCheck.analytical(x, g) { try model($0) }, try GradCheck.numerical(x, g) { try model($0) }, "mlp input")
        try model.zeroGrad()
        try (try (try model(x)) * g).sum().backward()
        let w = try #require(l1.weight)
        let numeric = try GradCheck.numerical(w.detach(), g) { weight in
            try l2(try GELU()(try Tensor.linear(x, weight: weight, bias: l1.bias)))
        }
        try GradCheck.expectClose(try #require(w.grad), numeric, "mlp first weight")
    }

    @Test func convolutionAndMaxPoolMatchFiniteDifferences() throws {
        let conv = try Conv2d(4, 6, kernelSize: [3, 2], stride: 2, padding: 1, dilation: [1, 2], groups: 2, dtype: .float64)
        let pool = MaxPool2d(kernelSize: 2, stride: 1)
        let x = GradCheck.input([2, 4, 6, 7], seed: 12)
        let f: (Tensor) throws -> Tensor = { try pool(try conv($0)) }
        let g = GradCheck.input(try f(x).sizes, seed: 13)
        try GradCheck.expectClose(try GradCheck.analytical(x, g, f), try GradCheck.numerical(x, g, f), "conv+pool input")
        try conv.zeroGrad()
        try (try f(x) * g).sum().backward()
        let w = try #require(conv.weight)
        let numeric = try GradCheck.numerical(w.detach(), g) { weight in
            let probe = try Conv2d(4, 6, kernelSize: [3, 2], stride: 2, padding: 1, dilation: [1, 2], groups: 2, dtype: .float64)
            _ = try probe.loadStateDict(StateDict(tensors: [("weight", weight), ("bias", try #require(conv.bias))]))
            return try pool(try probe(x))
        }
        try GradCheck.expectClose(try #require(w.grad), numeric, "conv weight")
    }

    @Test func layerNormAndEmbeddingMatchFiniteDifferences() throws {
        let norm = LayerNorm(4, dtype: .float64)
        try GradMode.noGrad {
            try norm.parameter("weight")?.copy_(GradCheck.input([4], seed: 21))
            try norm.parameter("bias")?.copy_(GradCheck.input([4], seed: 22))
        }
        let x = GradCheck.input([3, 4], seed: 20), g = GradCheck.input([3, 4], seed: 23)
        try GradCheck.expectClose(try GradCheck.analytical(x, g) { try norm($0) }, try GradCheck.numerical(x, g) { try norm($0) }, "layer_norm input")
        try norm.zeroGrad()
        try (try norm(x) * g).sum().backward()
        let w = try #require(norm.parameter("weight"))
        try GradCheck.expectClose(try #require(w.grad), try GradCheck.numerical(w.detach(), g) { weight in
            try Tensor.layerNorm(x, normalizedShape: [4], weight: weight, bias: norm.parameter("bias"), eps: 1e-5)
        }, "layer_norm weight")

        let table = try Embedding(5, 3, paddingIdx: 1, dtype: .float64)
        let ids = Tensor([0, 1, 3, 0], shape: [4], dtype: .int64)
        let ge = GradCheck.input([4, 3], seed: 24)
        try (try table(ids) * ge).sum().backward()
        let grad = try #require(table.weight?.grad).toDoubles(), upstream = try ge.toDoubles()
        let rowZero: [Double] = (0..<3).map { upstream[$0] + upstream[9 + $0] }
        #expect(Array(grad[0..<3]) == rowZero, "row 0 used twice")
        #expect(Array(grad[3..<6]) == [0, 0, 0], "padding_idx gets no gradient")
        #expect(Array(grad[9..<12]) == Array(upstream[6..<9]))
    }

    @Test func batchNormRMSNormCatAndAdaptivePoolMatchFiniteDifferences() throws {
        let bn = BatchNorm2d(3, dtype: .float64)
        try GradMode.noGrad { try bn.weight?.copy_(GradCheck.input([3], seed: 31)) }
        let x = GradCheck.input([2, 3, 2, 3], seed: 30)
        let g = GradCheck.input([2, 3, 1, 1], seed: 32)
        let pool = AdaptiveAvgPool2d([1, 1])
        for training in [true, false] {
            bn.train(training)
            let f: (Tensor) throws -> Tensor = { try pool(try bn($0)) }
            // Running statistics move during training forwards; compare on a copy of the state each time.
            let state = try bn.stateDict().map { ($0.key, try #require($0.value.tensor).clone()) }
            let restore = { _ = try bn.loadStateDict(StateDict(tensors: state)) }
            let a = try GradCheck.analytical(x, g) { try restore(); return try f($0) }
            let n = try GradCheck.numerical(x, g) { try restore(); return try f($0) }
            try GradCheck.expectClose(a, n, "batch_norm training=\(training)", tolerance: 1e-5)
        }
        let rms = RMSNorm(4, eps: 1e-6, dtype: .float64)
        let y = GradCheck.input([2, 4], seed: 33), gy = GradCheck.input([2, 8], seed: 34)
        let f: (Tensor) throws -> Tensor = { try Tensor.cat([try rms($0), try $0.exp()], dim: 1) }
        try GradCheck.expectClose(try GradCheck.analytical(y, gy, f), try GradCheck.numerical(y, gy, f), "rms_norm + cat")
    }

    @Test func trainingAnMLPWithSGDLowersTheLoss() throws {
        DefaultGenerator.manualSeed(3)
        let model = Sequential(Linear(2, 8), ReLU(), Linear(8, 2))
        let x = Tensor.randn([32, 2])
        let labels = Tensor(try x.toDoubles().enumerated().filter { $0.offset % 2 == 0 }.map { $0.element > 0 ? 1 : 0 }, shape: [32], dtype: .int64)
        let optimizer = SGD(model.parameters(), lr: 0.5, momentum: 0.9)
        let lossFunction = try CrossEntropyLoss()
        var losses: [Double] = []
        for _ in 0..<30 {
            try optimizer.zeroGrad()
            let loss = try lossFunction.loss(try model(x), labels)
            losses.append(try loss.item())
            try loss.backward()
            try optimizer.step()
        }
        #expect(losses.last! < losses.first! * 0.5, "loss \(losses.first!) → \(losses.last!)")
    }

    @Test func frozenParametersReceiveNoGradient() throws {
        let first = Linear(2, 2), second = Linear(2, 1)
        let model = Sequential(first, ReLU(), second)
        first.requiresGrad_(false)
        try model(Tensor.ones([3, 2])).sum().backward()
        #expect(first.weight?.grad == nil && first.bias?.grad == nil)
        #expect(second.weight?.grad != nil)
    }

    @Test func inferenceUnderNoGradRecordsNothing() throws {
        let model = Sequential(Linear(2, 2), ReLU())
        let y = try GradMode.noGrad { try model(Tensor.ones([1, 2])) }
        #expect(y.gradFn == nil)
    }
}
