import NNModules
import Testing

@Suite struct MultiheadAttentionForwardTests {
    /// With a single key, every query attends to it with weight 1, so the output is out_proj(v_proj(value)).
    @Test func singleKeyGivesTheProjectedValue() throws {
        let mha = try MultiheadAttention(4, 2, batchFirst: true)
        let query = Tensor.randn([1, 3, 4]), key = Tensor.randn([1, 1, 4]), value = Tensor.randn([1, 1, 4])
        guard case .tuple(let out) = try mha(.tensor(query), .tensor(key), .tensor(value)) else {
            Issue.record("expected a tuple")
            return
        }
        let output = try #require(out[0].tensor), weights = try #require(out[1].tensor)
        #expect(output.sizes == [1, 3, 4])
        #expect(weights.sizes == [1, 3, 1])
        #expect(try weights.toDoubles().allSatisfy { Swift.abs($0 - 1) < 1e-6 })
        let inProj = try #require(mha.parameter("in_proj_weight")), inBias = try #require(mha.parameter("in_proj_bias"))
        let v = try Tensor.linear(value, weight: try inProj.narrow(0, start: 8, length: 4), bias: try inBias.narrow(0, start: 8, length: 4))
        let expected = try (try #require(mha.child("out_proj") as? Linear)).forward(v)
        for (row, got) in try output.toDoubles().enumerated() {
            #expect(Swift.abs(got - (try expected.toDoubles()[row % 4])) < 1e-5)
        }
    }

    @Test func sequenceFirstLayoutAndUnaveragedWeights() throws {
        let mha = try MultiheadAttention(6, 3)
        let x = Tensor.randn([5, 2, 6])
        guard case .tuple(let out) = try mha.call([.tensor(x), .tensor(x), .tensor(x)], kwargs: ["average_attn_weights": .bool(false)]) else {
            Issue.record("expected a tuple")
            return
        }
        #expect(out[0].tensor?.sizes == [5, 2, 6])
        #expect(out[1].tensor?.sizes == [2, 3, 5, 5])
        let rowSums = try #require(out[1].tensor).toDoubles()
        for row in 0..<(rowSums.count / 5) {
            #expect(Swift.abs(rowSums[(row * 5)..<(row * 5 + 5)].reduce(0, +) - 1) < 1e-5)
        }
    }

    @Test func needWeightsFalseReturnsNoneAndMetaPropagates() throws {
        let mha = try TensorDefaults.$device.withValue(.meta) { try MultiheadAttention(768, 12, batchFirst: true) }
        let x = Tensor.empty([1, 197, 768], device: .meta)
        guard case .tuple(let out) = try mha.call([.tensor(x), .tensor(x), .tensor(x)], kwargs: ["need_weights": .bool(false)]) else {
            Issue.record("expected a tuple")
            return
        }
        #expect(out[0].tensor?.sizes == [1, 197, 768])
        #expect(out[0].tensor?.isMeta == true)
        #expect(out[1].isNone)
    }
}
