import OrderedCollections

/// torch.nn.LazyLinear: `in_features` is inferred from the first input's last dimension.
public final class LazyLinear: Linear {
    public init(_ outFeatures: Int, bias: Bool = true, device: Device? = nil, dtype: DType? = nil) {
        super.init(lazyOutFeatures: outFeatures, bias: bias, device: device, dtype: dtype)
        installLazyHooks(becomes: "Linear") { module, args in
            guard let self = module as? LazyLinear, let weight = self.weight else { return }
            guard let input = args.first?.tensor, let last = input.sizes.last else {
                throw TorchError.typeError("LazyLinear expects a tensor input to infer in_features")
            }
            if weight.isLazy {
                self.inFeatures = last
                self.materialize(weight, [self.outFeatures, last])
                if let bias = self.bias { self.materialize(bias, [self.outFeatures]) }
                self.resetParameters()
            }
            // Parameters materialized by load_state_dict leave in_features at 0 until the first input, as in
            // PyTorch's initialize_parameters.
            if self.inFeatures == 0 {
                guard last == weight.sizes.last else {
                    throw TorchError.assertionError("The in_features inferred from input: \(last) is not equal to in_features from self.weight: \(weight.sizes.last ?? 0)")
                }
                self.inFeatures = last
            }
        }
    }

    override public var extraAttributes: OrderedDictionary<String, Value> {
        var attributes = super.extraAttributes
        if isLazyModule { attributes["has_uninitialized_params"] = .bool(true) }
        return attributes
    }
}
