/// One row of `named_modules()` with the counts nntop shows and `nntop summary --json` prints; field
/// names follow the goldens' `modules.jsonl` (and PyTorch users' vocabulary).
public struct ModuleRecord: Sendable, Equatable {
    public struct TensorInfo: Sendable, Equatable {
        public let name: String
        public let shape: [Int]?
        public let dtype: DType
        public let device: Device
        /// requires_grad for parameters, persistent for buffers.
        public let flag: Bool
        public let isLazy: Bool
        /// Object identity, so tied tensors can be counted once.
        public let identity: ObjectIdentifier
    }

    public let index: Int
    public let name: String
    public let className: String
    public let depth: Int
    public let ownParamTensors: Int
    public let ownParamNumel: Int
    public let recursiveParamNumel: Int
    public let recursiveTrainableNumel: Int
    public let ownBufferCount: Int
    public let ownBufferBytes: Int
    public let params: [TensorInfo]
    public let buffers: [TensorInfo]
    public let children: [String]
    /// Reachable under another name too (only the first name is listed by `named_modules`).
    public let isShared: Bool

    /// Dtypes of the own parameters and buffers, each once, in registration order.
    public var dtypes: [String] { Self.unique((params + buffers).map(\.dtype.rawValue)) }
    /// Devices of the own parameters and buffers, each once.
    public var devices: [String] { Self.unique((params + buffers).map(\.device.rawValue)) }

    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}

extension Module {
    /// The `named_modules()` rows with parameter and buffer counts; shared tensors are counted once per
    /// subtree, lazy (uninitialized) parameters count 0 elements.
    public func moduleRecords() -> [ModuleRecord] {
        let named = namedModules()
        var seenCount: [ObjectIdentifier: Int] = [:]
        for (_, m) in namedModules(removeDuplicate: false) { seenCount[ObjectIdentifier(m), default: 0] += 1 }
        return named.enumerated().map { index, entry in
            let (name, module) = entry
            func info(_ n: String, _ t: Tensor, _ flag: Bool) -> ModuleRecord.TensorInfo {
                .init(name: n, shape: t.isLazy ? nil : t.sizes, dtype: t.dtype, device: t.device, flag: flag,
                      isLazy: t.isLazy, identity: ObjectIdentifier(t))
            }
            let params = module._parameters.compactMap { k, p in p.map { info(k, $0, $0.requiresGrad) } }
            let buffers = module._buffers.compactMap { k, b in b.map { info(k, $0, !module._nonPersistentBuffersSet.contains(k)) } }
            let all = module.parameters()
            func numel(_ t: Tensor) -> Int { t.isLazy ? 0 : t.count }
            return ModuleRecord(
                index: index, name: name, className: module.typeName,
                depth: name.isEmpty ? 0 : name.split(separator: ".").count,
                ownParamTensors: params.count,
                ownParamNumel: module._parameters.values.compactMap { $0 }.map(numel).reduce(0, +),
                recursiveParamNumel: all.map(numel).reduce(0, +),
                recursiveTrainableNumel: all.filter(\.requiresGrad).map(numel).reduce(0, +),
                ownBufferCount: buffers.count,
                ownBufferBytes: module._buffers.values.compactMap { $0 }.map { numel($0) * $0.dtype.itemSize }.reduce(0, +),
                params: params, buffers: buffers,
                children: module._modules.compactMap { k, m in m == nil ? nil : k },
                isShared: (seenCount[ObjectIdentifier(module)] ?? 0) > 1)
        }
    }
}
