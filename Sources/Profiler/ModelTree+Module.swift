import ModelView
import NNModules

extension ModelTree {
    /// The tree of a Swift module: `named_modules()` rows, each parameter tensor once by identity (tied
    /// weights are one entry with several owners), lazy parameters without a shape.
    public init(module model: Module, name: String, source: String) {
        let named = model.namedModules()
        var seenCount: [ObjectIdentifier: Int] = [:]
        for (_, m) in model.namedModules(removeDuplicate: false) { seenCount[ObjectIdentifier(m), default: 0] += 1 }
        var rowByName: [String: Int] = [:]
        var parameterID: [ObjectIdentifier: Int] = [:]
        var parameters: [ParameterSpec] = []
        var modules: [ModuleNode] = []
        for (row, (qualified, module)) in named.enumerated() {
            rowByName[qualified] = row
            var refs: [ParameterRef] = []
            for (attribute, slot) in module._parameters {
                guard let p = slot else { continue }
                let key = ObjectIdentifier(p)
                let id = parameterID[key] ?? parameters.count
                if parameterID[key] == nil {
                    parameterID[key] = id
                    parameters.append(ParameterSpec(
                        id: id, name: qualified.isEmpty ? attribute : qualified + "." + attribute,
                        shape: p.isLazy ? nil : p.sizes, dtype: p.dtype.rawValue, device: p.device.rawValue,
                        requiresGrad: p.requiresGrad))
                }
                refs.append(ParameterRef(name: attribute, tensor: id))
            }
            let buffers = module._buffers.compactMap { attribute, slot in
                slot.map { b in
                    BufferSpec(name: attribute, shape: b.isLazy ? nil : b.sizes, dtype: b.dtype.rawValue,
                               device: b.device.rawValue, persistent: !module._nonPersistentBuffersSet.contains(attribute))
                }
            }
            modules.append(ModuleNode(
                name: qualified, className: module.typeName, parent: Self.parentRow(of: qualified, in: rowByName),
                params: refs, buffers: buffers, shared: (seenCount[ObjectIdentifier(module)] ?? 0) > 1,
                lazy: module._parameters.values.contains { $0?.isLazy ?? false }))
        }
        self.init(name: name, source: source, training: model.training, modules: modules, parameters: parameters)
    }

    /// The row of the nearest named ancestor (`layer1.0` for `layer1.0.conv1`), the root for top-level names.
    static func parentRow(of name: String, in rows: [String: Int]) -> Int? {
        if name.isEmpty { return nil }
        var prefix = Substring(name)
        while let dot = prefix.lastIndex(of: ".") {
            prefix = prefix[..<dot]
            if let row = rows[String(prefix)] { return row }
        }
        return rows[""]
    }
}
