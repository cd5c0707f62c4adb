import NNModules

/// The attention matmuls the Hugging Face modules do in functional code, so profilers count them
/// (torchinfo does not: see `FunctionalMACs` for the convention).
extension GPT2Attention: FunctionalMACs {
    public func functionalMACs(inputs: [Value], output: Value) -> Int {
        selfAttentionMACs(inputs.first?.tensor, width: config.nEmbd)
    }
}

extension BertSelfAttention: FunctionalMACs {
    public func functionalMACs(inputs: [Value], output: Value) -> Int {
        selfAttentionMACs(inputs.first?.tensor, width: config.hiddenSize)
    }
}

extension LlamaAttention: FunctionalMACs {
    public func functionalMACs(inputs: [Value], output: Value) -> Int {
        selfAttentionMACs(inputs.first?.tensor, width: config.numAttentionHeads * config.headDim)
    }
}

extension Conv1D: FunctionalMACs {
    /// Like `nn.Linear`: `tokens × (nx × nf + nf)`.
    public func functionalMACs(inputs: [Value], output: Value) -> Int {
        guard let out = output.tensor else { return 0 }
        return out.count / max(nf, 1) * (nx * nf + nf)
    }
}
