import NNModules

/// Multiply-accumulates of one module call, counted the way torchinfo 1.8 counts them (so nntop's
/// numbers match what users see there): Linear `batch × (in × out + out)`; convolutions
/// `output elements × (in/groups × kernel) (+ output elements for the bias)`; any other module with its
/// own parameters `own parameter elements × batch`; activations, pooling and containers 0 (a container's
/// figure is the sum of its leaves, computed by the reader). Attention done in functional code inside a
/// module (`FunctionalMACs`: `MultiheadAttention`, the zoo's attention modules) adds its two batched
/// matmuls: `2 × batch × L × S × heads × head_dim`.
/// FLOPs are reported as 2 × MACs.
public enum MACCounter {
    public static func macs(_ module: Module, inputs: [Value], output: Value) -> Int {
        guard let out = output.flattenedTensors().first?.tensor else { return 0 }
        let input = inputs.first?.tensor
        if let linear = module as? Linear, let weight = linear.weight, !weight.isLazy {
            let batch = out.count / max(linear.outFeatures, 1)
            return batch * (weight.count + (linear.bias?.count ?? 0))
        }
        if let conv = module as? ConvNd, let weight = conv.weight, !weight.isLazy {
            if conv.transposed, let input {
                return input.count * (conv.outChannels / conv.groups) * conv.kernelSize.reduce(1, *)
                    + (conv.bias != nil ? out.count : 0)
            }
            let perOutput = weight.count / max(conv.outChannels, 1)
            return out.count * perOutput + (conv.bias != nil ? out.count : 0)
        }
        if let stated = module as? FunctionalMACs { return stated.functionalMACs(inputs: inputs, output: output) }
        let own = ownParameterElements(module)
        return own > 0 ? own * (out.sizes.first ?? 1) : 0
    }

    static func ownParameterElements(_ module: Module) -> Int {
        module._parameters.values.compactMap { $0 }.filter { !$0.isLazy }.map(\.count).reduce(0, +)
    }
}
