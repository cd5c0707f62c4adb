import NNModules
import Testing

/// MultiheadAttention masks and options: a masked key behaves as if absent, causal masks, bool and float
/// masks agree, per-head 3-D masks, add_zero_attn / add_bias_kv, unbatched inputs, and PyTorch's errors.
@Suite struct MultiheadAttentionTests {
    private func attend(_ mha: MultiheadAttention, _ q: Tensor, _ k: Tensor, _ v: Tensor, _ kwargs: Kwargs = [:]) throws -> (Tensor, Tensor?) {
        guard case .tuple(let out) = try mha.call([.tensor(q), .tensor(k), .tensor(v)], kwargs: kwargs),
              let output = out.first?.tensor else {
            throw TorchError.typeError("expected (attn_output, attn_weights)")
        }
        return (output, out.count > 1 ? out[1].tensor : nil)
    }

    @Test func aPaddedKeyIsAsIfAbsent() throws {
        let mha = try MultiheadAttention(4, 2, batchFirst: true)
        let q = Tensor.randn([2, 3, 4]), kv = Tensor.randn([2, 5, 4])
        let padding = tensor([0, 0, 0, 1, 1, 0, 0, 0, 1, 1], [2, 5], .bool)
        let (masked, weights) = try attend(mha, q, kv, kv, ["key_padding_mask": .tensor(padding)])
        let kept = try kv.narrow(1, start: 0, length: 3)
        let (expected, _) = try attend(mha, q, kept, kept)
        try expectClose(masked, expected)
        let w = try #require(weights)
        #expect(w.sizes == [2, 3, 5])
        #expect(try w.narrow(2, start: 3, length: 2).toDoubles().allSatisfy { $0 == 0 })
        let float = try padding.to(dtype: .float32) * -1e9
        try expectClose(try attend(mha, q, kv, kv, ["key_padding_mask": .tensor(float)]).0, expected)
    }

    @Test func causalMaskMakesTheFirstPositionSeeOnlyItself() throws {
        let mha = try MultiheadAttention(6, 3)
        let x = Tensor.randn([4, 2, 6])
        let causal = try Tensor.ones([4, 4], dtype: .bool).triu(diagonal: 1)
        let (out, weights) = try attend(mha, x, x, x, ["attn_mask": .tensor(causal), "is_causal": .bool(true)])
        let first = try x.narrow(0, start: 0, length: 1)
        try expectClose(try out.narrow(0, start: 0, length: 1), try attend(mha, first, first, first).0)
        let w = try #require(weights).toDoubles()
        for (i, value) in w.enumerated() where i % 4 > (i / 4) % 4 { #expect(value == 0) }
        #expect(torchErrorMessage { try attend(mha, x, x, x, ["is_causal": .bool(true)]) }
            == "Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.")
    }

    @Test func perHeadMasksAndUnaveragedWeights() throws {
        let mha = try MultiheadAttention(4, 2, batchFirst: true)
        let x = Tensor.randn([1, 3, 4])
        // Head 0 may only look at key 0, head 1 only at key 2.
        var values = [Double](repeating: -.infinity, count: 18)
        for row in 0..<3 { values[row * 3] = 0; values[9 + row * 3 + 2] = 0 }
        let (_, weights) = try attend(mha, x, x, x, ["attn_mask": .tensor(tensor(values, [2, 3, 3])), "average_attn_weights": .bool(false)])
        try expectClose(try #require(weights), [1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1])
        #expect(torchErrorMessage { try attend(mha, x, x, x, ["attn_mask": .tensor(Tensor.zeros([3, 3, 3]))]) }
            == "The shape of the 3D attn_mask is torch.Size([3, 3, 3]), but should be (2, 3, 3).")
        #expect(torchErrorMessage { try attend(mha, x, x, x, ["attn_mask": .tensor(Tensor.zeros([3, 2]))]) }
            == "The shape of the 2D attn_mask is torch.Size([3, 2]), but should be (3, 3).")
    }

    /// With every real key padded, only the appended position is left: a zero key/value gives the output
    /// projection's bias; `bias_k`/`bias_v` give out_proj(bias_v).
    @Test func zeroAttentionAndBiasKeyValue() throws {
        let x = Tensor.randn([1, 3, 4])
        let allPadded = Tensor.ones([1, 3], dtype: .bool)
        let zero = try MultiheadAttention(4, 2, addZeroAttn: true, batchFirst: true)
        let bias = try #require(zero.child("out_proj") as? Linear).bias
        try GradMode.noGrad { try bias?.copy_(tensor([1, 2, 3, 4], [4])) }
        let (out, weights) = try attend(zero, x, x, x, ["key_padding_mask": .tensor(allPadded)])
        #expect(weights?.sizes == [1, 3, 4])
        try expectClose(out, [Double](repeating: 0, count: 3).flatMap { _ in [1.0, 2, 3, 4] })
        let biased = try MultiheadAttention(4, 2, addBiasKV: true, batchFirst: true)
        let outProj = try #require(biased.child("out_proj") as? Linear)
        let expected = try outProj(try #require(biased.parameter("bias_v")).reshape([1, 4]))
        let (biasedOut, _) = try attend(biased, x, x, x, ["key_padding_mask": .tensor(allPadded)])
        for row in 0..<3 { try expectClose(try biasedOut.select(0, 0).select(0, row), try expected.select(0, 0)) }
    }

    @Test func unbatchedInputsWithAOneDimensionalPaddingMask() throws {
        let mha = try MultiheadAttention(4, 2)
        let x = Tensor.randn([3, 4])
        let padding = tensor([0, 0, 1], [3], .bool)
        let (single, weights) = try attend(mha, x, x, x, ["key_padding_mask": .tensor(padding)])
        let (batched, _) = try attend(mha, try x.unsqueeze(1), try x.unsqueeze(1), try x.unsqueeze(1),
                                      ["key_padding_mask": .tensor(try padding.unsqueeze(0))])
        try expectClose(single, try batched.select(1, 0))
        #expect(weights?.sizes == [3, 3])
        #expect(torchErrorMessage { try attend(mha, x, x, x, ["key_padding_mask": .tensor(Tensor.zeros([1, 3], dtype: .bool))]) }
            == "For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but found 2-D tensor instead")
        #expect(torchErrorMessage { try attend(mha, x, x, x, ["key_padding_mask": .tensor(tensor([0, 1, 0], [3], .int64))]) }
            == "only bool and floating types of key_padding_mask are supported")
    }
}
