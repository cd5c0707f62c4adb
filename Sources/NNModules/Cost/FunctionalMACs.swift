/// A module that states its own multiply-accumulates — all the work its `forward` does outside its child
/// modules — because no generic rule knows it: attention written in functional code (convention:
/// 2 × batch × L × S × heads × head_dim for `QKᵀ` and `attention · V`, plus any projections done with
/// its own parameters), or a linear layer that is not an `nn.Linear` (GPT-2's `Conv1D`).
public protocol FunctionalMACs {
    func functionalMACs(inputs: [Value], output: Value) -> Int
}

/// The self-attention convention from a `[batch, length, ...]` input: `2 × batch × L × L × width`.
public func selfAttentionMACs(_ hidden: Tensor?, width: Int) -> Int {
    guard let hidden, hidden.rank >= 2 else { return 0 }
    let batch = hidden.sizes[0], length = hidden.sizes[1]
    return 2 * batch * length * length * width
}

extension MultiheadAttention: FunctionalMACs {
    public func functionalMACs(inputs: [Value], output: Value) -> Int {
        guard let query = inputs.first?.tensor, query.rank >= 2 else { return 0 }
        let key = inputs.count > 1 ? inputs[1].tensor : query
        let unbatched = query.rank == 2
        let l = unbatched || batchFirst ? query.sizes[unbatched ? 0 : 1] : query.sizes[0]
        let batch = unbatched ? 1 : (batchFirst ? query.sizes[0] : query.sizes[1])
        let s = key.map { unbatched || batchFirst ? $0.sizes[unbatched ? 0 : 1] : $0.sizes[0] } ?? l
        let projected = batch * l * embedDim + batch * s * (kdim + vdim)
        let projectionBias = parameter("in_proj_bias") == nil ? 0 : (batch * l + 2 * batch * s) * embedDim
        return 2 * batch * l * s * embedDim + projected * embedDim + projectionBias
    }
}
