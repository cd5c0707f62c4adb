/// torch.nn.MultiheadAttention.forward (`F.multi_head_attention_forward`) for the packed and the separate
/// projection layouts: project, append `bias_k`/`bias_v` and zero attention when configured, add the attention
/// and key-padding masks (bool masks become −inf), softmax(q·kᵀ/√d), dropout in training, average the
/// weights over heads when asked. Computed batch-first as [N, heads, L, S]; the math is PyTorch's.
extension MultiheadAttention {
    func multiheadAttentionForward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        func argument(_ index: Int, _ name: String) -> Value? {
            let value = index < args.count ? args[index] : kwargs[name]
            return value?.isNone == true ? nil : value
        }
        guard let query = argument(0, "query")?.tensor, let key = argument(1, "key")?.tensor,
              let value = argument(2, "value")?.tensor else {
            throw TorchError.typeError("MultiheadAttention.forward() missing required positional arguments: 'query', 'key' and 'value'")
        }
        var needWeights = true, averageWeights = true, isCausal = false
        if case .bool(let b)? = argument(4, "need_weights") { needWeights = b }
        if case .bool(let b)? = argument(6, "average_attn_weights") { averageWeights = b }
        if case .bool(let b)? = argument(7, "is_causal") { isCausal = b }
        var keyPaddingMask = argument(3, "key_padding_mask")?.tensor
        var attnMask = argument(5, "attn_mask")?.tensor
        let batched = try checkShapes(query, key, value, keyPaddingMask: keyPaddingMask, attnMask: attnMask)
        if isCausal && attnMask == nil {
            throw TorchError.runtimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.")
        }
        if let kpm = keyPaddingMask, let am = attnMask, kpm.dtype != am.dtype {
            Warnings.warn("Support for mismatched key_padding_mask and attn_mask is deprecated. Use same type for both instead.")
        }
        keyPaddingMask = try keyPaddingMask.map { try Self.canonicalMask($0, name: "key_padding_mask", target: query.dtype) }
        attnMask = try attnMask.map { try Self.canonicalMask($0, name: "attn_mask", target: query.dtype) }

        // Work batch-first: [N, L, E]; unbatched [L, E] inputs become a batch of one.
        func batchFirst(_ t: Tensor) throws -> Tensor {
            if !batched { return try t.unsqueeze(0) }
            return self.batchFirst ? t : try t.transpose(0, 1)
        }
        let (q0, k0, v0) = (try batchFirst(query), try batchFirst(key), try batchFirst(value))
        if !batched { keyPaddingMask = try keyPaddingMask?.unsqueeze(0) }
        let (batch, target, source) = (q0.sizes[0], q0.sizes[1], k0.sizes[1])
        attnMask = try attnMask.map { try checkAttnMask($0, batch: batch, target: target, source: source) }

        let e = embedDim, headDim = embedDim / numHeads
        let bias = parameter("in_proj_bias")
        func project(_ x: Tensor, _ index: Int, _ separate: String) throws -> Tensor {
            let weight = try parameter("in_proj_weight").map { try $0.narrow(0, start: index * e, length: e) }
                ?? (parameter(separate) as Tensor?)
            guard let weight else { throw TorchError.attributeError("'MultiheadAttention' object has no attribute '\(separate)'") }
            return try Tensor.linear(x, weight: weight, bias: try bias?.narrow(0, start: index * e, length: e))
        }
        var k = try project(k0, 1, "k_proj_weight"), v = try project(v0, 2, "v_proj_weight")
        /// Appends one key position: to k/v (as `row`, [N, 1, E] or [N, heads, 1, d]) and to both masks.
        func appendPosition(_ kRow: Tensor, _ vRow: Tensor, dim: Int) throws {
            k = try Tensor.cat([k, kRow], dim: dim)
            v = try Tensor.cat([v, vRow], dim: dim)
            attnMask = try attnMask?.pad([0, 1])
            keyPaddingMask = try keyPaddingMask?.pad([0, 1])
        }
        if let biasK = parameter("bias_k"), let biasV = parameter("bias_v") {
            try appendPosition(try biasK.expand([batch, 1, e]), try biasV.expand([batch, 1, e]), dim: 1)
        }
        func heads(_ t: Tensor) throws -> Tensor {
            try t.reshape([t.sizes[0], t.sizes[1], numHeads, headDim]).transpose(1, 2)
        }
        let q = try heads(try project(q0, 0, "q_proj_weight"))
        (k, v) = (try heads(k), try heads(v))
        if addZeroAttn {
            let zeros = Tensor.zeros([batch, numHeads, 1, headDim], dtype: k.dtype, device: k.device)
            try appendPosition(zeros, zeros, dim: 2)
        }
        let keys = k.sizes[2]
        var scores = try (try q * (1 / Double(headDim).squareRoot())).matmul(try k.transpose(-2, -1))
        if let am = attnMask {
            // [1 or N·heads, L, S] → broadcastable to the [N, heads, L, S] scores.
            scores = try scores + (am.sizes[0] == 1 ? am : try am.reshape([batch, numHeads, target, keys]))
        }
        if let kpm = keyPaddingMask {
            guard kpm.sizes == [batch, keys] else {
                throw TorchError.assertionError("expecting key_padding_mask shape of (\(batch), \(keys)), but got \(torchSize(kpm.sizes))")
            }
            scores = try scores + (try kpm.reshape([batch, 1, 1, keys]))
        }
        var weights = try scores.softmax(dim: -1)
        weights = try weights.dropout(p: dropout, training: training)
        let context = try weights.matmul(v).transpose(1, 2).reshape([batch, target, e])
        var output = try child("out_proj", as: Linear.self).forward(context)
        output = batched ? (self.batchFirst ? output : try output.transpose(0, 1)) : try output.squeeze(0)
        guard needWeights else { return .tuple([.tensor(output), .none]) }
        var averaged = averageWeights ? try weights.mean(dim: 1) : weights
        if !batched { averaged = try averaged.squeeze(0) }
        return .tuple([.tensor(output), .tensor(averaged)])
    }

    /// torch `_mha_shape_check`: whether the input is batched, with PyTorch's messages for wrong ranks.
    private func checkShapes(_ query: Tensor, _ key: Tensor, _ value: Tensor, keyPaddingMask: Tensor?, attnMask: Tensor?) throws -> Bool {
        let batched = query.rank == 3
        guard batched || query.rank == 2 else {
            throw TorchError.assertionError("query should be unbatched 2D or batched 3D tensor but received \(query.rank)-D query tensor")
        }
        let kind = batched ? "For batched (3-D) `query`" : "For unbatched (2-D) `query`"
        guard key.rank == query.rank, value.rank == query.rank else {
            throw TorchError.assertionError("\(kind), expected `key` and `value` to be \(query.rank)-D but found \(key.rank)-D and \(value.rank)-D tensors respectively")
        }
        if let kpm = keyPaddingMask, kpm.rank != query.rank - 1 {
            throw TorchError.assertionError("\(kind), expected `key_padding_mask` to be `None` or \(query.rank - 1)-D but found \(kpm.rank)-D tensor instead")
        }
        if let mask = attnMask, mask.rank != 2 && mask.rank != 3 {
            throw TorchError.assertionError("\(kind), expected `attn_mask` to be `None`, 2-D or 3-D but found \(mask.rank)-D tensor instead")
        }
        return batched
    }

    /// The 2-D [L, S] or 3-D [N·heads, L, S] mask as 3-D, with PyTorch's shape errors.
    private func checkAttnMask(_ mask: Tensor, batch: Int, target: Int, source: Int) throws -> Tensor {
        if mask.rank == 2 {
            guard mask.sizes == [target, source] else {
                throw TorchError.runtimeError("The shape of the 2D attn_mask is \(torchSize(mask.sizes)), but should be (\(target), \(source)).")
            }
            return try mask.unsqueeze(0)
        }
        guard mask.sizes == [batch * numHeads, target, source] else {
            throw TorchError.runtimeError("The shape of the 3D attn_mask is \(torchSize(mask.sizes)), but should be (\(batch * numHeads), \(target), \(source)).")
        }
        return mask
    }

    /// torch `F._canonical_mask`: a bool mask (True = not allowed) becomes 0 / −inf in the query's dtype;
    /// float masks are added as they are.
    static func canonicalMask(_ mask: Tensor, name: String, target: DType) throws -> Tensor {
        if mask.dtype == .bool {
            if mask.isMeta { return Tensor(storage: nil, shape: mask.sizes, dtype: target, device: .meta) }
            return Tensor(try mask.toDoubles().map { $0 != 0 ? -.infinity : 0 }, shape: mask.sizes, dtype: target)
        }
        guard mask.dtype.isFloatingPoint else {
            throw TorchError.assertionError("only bool and floating types of \(name) are supported")
        }
        return mask
    }
}
