import NNModules
import OrderedCollections

/// `load_state_dict(strict=True)` for checkpoints written by `save_pretrained`/`safetensors`, which store a
/// tied tensor once: GPT-2's `lm_head.weight` is absent because it *is* `transformer.wte.weight`. A key the
/// model ties to another key may therefore be missing when its partner is present; every other missing,
/// unexpected or mis-shaped key fails with PyTorch's message.
enum TiedStateDictLoad {
    /// Loads `tensors` into `model`. With `assign` (meta tensors while browsing), the model takes the
    /// checkpoint's tensors themselves, and tied keys receive one shared `Parameter` so they stay tied. A
    /// floating-point tensor takes the model's dtype, as copying it in would (`load_state_dict` keeps the
    /// parameter's dtype), so browsing shows the model a full load gives.
    static func load(_ tensors: [(name: String, tensor: Tensor)], into model: Module, assign: Bool) throws {
        let expected = try model.stateDict(keepVars: true)
        var entries = OrderedDictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { _, last in last })
        if assign {
            var shared: [ObjectIdentifier: Parameter] = [:]
            for (key, tensor) in entries {
                guard let current = expected[key]?.tensor else { continue }
                let typed = tensor.isMeta && tensor.dtype != current.dtype && tensor.dtype.isFloatingPoint
                    && current.dtype.isFloatingPoint ? try tensor.to(dtype: current.dtype) : tensor
                guard current is Parameter else {
                    entries[key] = typed
                    continue
                }
                let id = ObjectIdentifier(tensor)
                let parameter = shared[id] ?? Parameter(typed, requiresGrad: current.requiresGrad)
                shared[id] = parameter
                entries[key] = parameter
            }
        }
        for group in tiedGroups(expected) {
            guard let present = group.first(where: { entries[$0] != nil }), let tensor = entries[present] else { continue }
            for key in group where entries[key] == nil { entries[key] = tensor }
        }
        let progress = LoadProgress(model: model)
        defer { progress.finish() }
        try model.loadStateDict(StateDict(tensors: entries.map { ($0.key, $0.value) }), strict: true, assign: assign)
    }

    /// Keys of `stateDict` holding the very same tensor, for every tensor held under more than one key.
    static func tiedGroups(_ stateDict: StateDict) -> [[String]] {
        var groups: OrderedDictionary<ObjectIdentifier, [String]> = [:]
        for (key, value) in stateDict {
            guard let tensor = value.tensor else { continue }
            groups[ObjectIdentifier(tensor), default: []].append(key)
        }
        return groups.values.filter { $0.count > 1 }
    }
}
