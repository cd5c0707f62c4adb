import OrderedCollections

/// torch.nn.LazyLinear: `in_features` is inferred from the first input's last dimension.
public final class LazyLinear: Linear {
    public init(_ outFeatures: Int, bias: Bool = true, device: Device? = nil, dtype: DType? = nil) {
        super.init(lazyOutFeatures: outFeatures, bias: bias, device: device, dtype: dtype)
        installLazyHooks(becomes: "Linear") { module, args in
            guard let self = module as? LazyLinear, let weight = self.weight, weight.isLazy else { return }
            guard let input = args.first?.tensor, let last = input.sizes.last else {
                throw TorchError.typeError("LazyLinear expects a tensor input to infer in_features")
            }
            self.inFeatures = last
            self.materialize(weight, [self.outFeatures, last])
            if let bias = self.bias { self.materialize(bias, [self.outFeatures]) }
            self.resetParameters()
        }
    }

    override public var extraAttributes: OrderedDictionary<String, Value> {
        var attributes = super.extraAttributes
        if isLazyModule { attributes["has_uninitialized_params"] = .bool(true) }
        return attributes
    }
}
