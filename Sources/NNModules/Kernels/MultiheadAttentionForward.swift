/// torch.nn.MultiheadAttention.forward (`F.multi_head_attention_forward`) for the packed and the separate
/// projection layouts: project, split heads, softmax(q·kᵀ/√d), average weights over heads when asked.
/// Masks, `bias_k`/`bias_v` and `add_zero_attn` are not supported yet and say so.
extension MultiheadAttention {
    func multiheadAttentionForward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        func argument(_ index: Int, _ name: String) -> Value? { index < args.count ? args[index] : kwargs[name] }
        guard let query = argument(0, "query")?.tensor, let key = argument(1, "key")?.tensor,
              let value = argument(2, "value")?.tensor else {
            throw TorchError.typeError("MultiheadAttention.forward() missing required positional arguments: 'query', 'key' and 'value'")
        }
        for (index, name) in [(3, "key_padding_mask"), (5, "attn_mask")] where !(argument(index, name)?.isNone ?? true) {
            throw TorchError.notImplementedError("MultiheadAttention.forward with \(name) is not implemented in nntop yet")
        }
        if parameter("bias_k") != nil {
            throw TorchError.notImplementedError("MultiheadAttention.forward with add_bias_kv is not implemented in nntop yet")
        }
        var needWeights = true, averageWeights = true
        if case .bool(let b)? = argument(4, "need_weights") { needWeights = b }
        if case .bool(let b)? = kwargs["average_attn_weights"] { averageWeights = b }

        // Work batch-first: [N, L, E]; unbatched [L, E] inputs become a batch of one.
        let batched = query.rank == 3
        func batchFirst(_ t: Tensor) throws -> Tensor {
            if !batched { return try t.unsqueeze(0) }
            return self.batchFirst ? t : try t.transpose(0, 1)
        }
        let (q0, k0, v0) = (try batchFirst(query), try batchFirst(key), try batchFirst(value))
        let e = embedDim, headDim = embedDim / numHeads
        let bias = parameter("in_proj_bias")
        func project(_ x: Tensor, _ index: Int, _ separate: String) throws -> Tensor {
            let weight = try parameter("in_proj_weight").map { try $0.narrow(0, start: index * e, length: e) }
                ?? (parameter(separate) as Tensor?)
            guard let weight else { throw TorchError.attributeError("'MultiheadAttention' object has no attribute '\(separate)'") }
            return try Tensor.linear(x, weight: weight, bias: try bias?.narrow(0, start: index * e, length: e))
        }
        func heads(_ t: Tensor) throws -> Tensor {
            try t.reshape([t.sizes[0], t.sizes[1], numHeads, headDim]).transpose(1, 2)
        }
        let q = try heads(try project(q0, 0, "q_proj_weight"))
        let k = try heads(try project(k0, 1, "k_proj_weight"))
        let v = try heads(try project(v0, 2, "v_proj_weight"))
        var weights = try (try q * (1 / Double(headDim).squareRoot())).matmul(try k.transpose(-2, -1)).softmax(dim: -1)
        if training && dropout > 0 { weights = try Dropout(p: dropout).forward(weights) }
        let context = try weights.matmul(v).transpose(1, 2).reshape([q0.sizes[0], q0.sizes[1], e])
        var output = try child("out_proj", as: Linear.self).forward(context)
        output = batched ? (self.batchFirst ? output : try output.transpose(0, 1)) : try output.squeeze(0)
        guard needWeights else { return .tuple([.tensor(output), .none]) }
        var averaged = averageWeights ? try weights.mean(dim: 1) : weights
        if !batched { averaged = try averaged.squeeze(0) }
        return .tuple([.tensor(output), .tensor(averaged)])
    }
}
