/// torch.nn.modules.lazy.LazyModuleMixin: parameters stay `Uninitialized*` until the first forward infers
/// their shapes (or `load_state_dict` brings them); then the hooks remove themselves and the module
/// reports the class PyTorch switches it to (`LazyLinear` → `Linear`).
extension Module {
    /// torch: `has_uninitialized_params()`.
    public func hasUninitializedParams() -> Bool {
        _parameters.values.contains { $0?.isLazy ?? false } || _buffers.values.contains { $0?.isLazy ?? false }
    }

    /// Whether the lazy mixin is still attached (it disappears with `has_uninitialized_params`).
    public var isLazyModule: Bool { lazyClassName != nil && classNameOverride == nil }

    func materialize(_ tensor: Tensor, _ shape: [Int]) {
        if let p = tensor as? UninitializedParameter { p.materialize(shape) }
        if let b = tensor as? UninitializedBuffer { b.materialize(shape) }
    }

    /// Installs the lazy mixin's load pre-hook and self-removing forward pre-hook; `initialize` is the
    /// module's `initialize_parameters(*args)`.
    func installLazyHooks(becomes className: String, initialize: @escaping (Module, [Value]) throws -> Void) {
        lazyClassName = className
        final class Handles { var load: RemovableHandle?; var forward: RemovableHandle? }
        let handles = Handles()
        handles.load = registerLoadStateDictPreHook { module, stateDict, prefix, _, _, _, _, _ in
            let slots = module._parameters.map { ($0.key, $0.value as Tensor?) } + module._buffers.map { ($0.key, $0.value) }
            for (name, slot) in slots {
                guard let tensor = slot, tensor.isLazy, let input = stateDict.tensor(prefix + name), !input.isLazy else { continue }
                module.materialize(tensor, input.sizes)
            }
        }
        handles.forward = registerForwardPreHook(withKwargs: { module, args, _ in
            try initialize(module, args)
            if module.hasUninitializedParams() {
                throw TorchError.runtimeError("module \(module.typeName) has not been fully initialized")
            }
            handles.forward?.remove()
            handles.load?.remove()
            module.classNameOverride = module.lazyClassName
            return nil
        })
    }
}
