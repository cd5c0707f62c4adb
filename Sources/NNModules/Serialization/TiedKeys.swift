extension StateDict {
    /// The checkpoint with the keys of tied tensors filled in: transformers saves a tied weight once
    /// (GPT-2's checkpoints have `transformer.wte.weight` and no `lm_head.weight`), so a strict
    /// `load_state_dict` would call the other name missing. Every key of `module`'s state dict that is
    /// absent here but holds the very tensor of a key that is present gets that key's checkpoint tensor.
    public func fillingTiedKeys(of module: Module) throws -> StateDict {
        let own = try module.stateDict(keepVars: true)
        var filled = self
        for (key, value) in own where self[key] == nil {
            guard let tensor = value.tensor else { continue }
            let twin = own.first { $0.key != key && $0.value.tensor === tensor && self[$0.key] != nil }
            if let twin { filled[key] = self[twin.key] }
        }
        return filled
    }
}
