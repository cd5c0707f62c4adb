import NNModules
import NNTopUI
import Profiler

/// Turns a real model into the plain values the UI shows: rows in `named_modules()` order and one
/// parameter table where a tied parameter appears once with every module that holds it.
enum ModelInfoBuilder {
    struct Result {
        let info: ModelInfo
        /// Parameter id → its first qualified name, so edits can be carried out on the runner thread.
        let parameterNames: [Int: String]
    }

    /// `forwardError` is the message of a failed sample forward, shown on the module where it failed.
    static func build(name: String, source: String, model: Module, profile: ProfileReport?, forwardError: String? = nil) -> Result {
        let records = model.moduleRecords()
        var rowByName: [String: Int] = [:]
        for r in records { rowByName[r.name] = r.index }
        var idByIdentity: [ObjectIdentifier: Int] = [:]
        var parameters: [ParameterInfo] = []
        var names: [Int: String] = [:]
        for (qualified, p) in model.namedParameters() {
            let id = parameters.count
            idByIdentity[ObjectIdentifier(p)] = id
            names[id] = qualified
            let numel = p.isLazy ? 0 : p.count
            parameters.append(ParameterInfo(id: id, name: qualified, shape: p.isLazy ? [] : p.sizes, dtype: p.dtype.rawValue,
                                            numel: numel, bytes: numel * p.dtype.itemSize, requiresGrad: p.requiresGrad,
                                            ownerRows: []))
        }
        var rows: [ModuleRow] = []
        for r in records {
            let ids = r.params.compactMap { idByIdentity[$0.identity] }
            for id in ids { parameters[id].ownerRows.append(r.index) }
            let profileRow = profile?.rows.indices.contains(r.index) == true ? profile?.rows[r.index] : nil
            let shape = profileRow?.outputs.first.map { "[" + $0.shape.map(String.init).joined(separator: ", ") + "]" }
            let failed = profile?.failedModule == r.name ? (forwardError ?? "forward failed here") : nil
            rows.append(ModuleRow(
                name: r.name, className: r.className, depth: r.depth, parent: parentRow(of: r.name, in: rowByName),
                ownParamNumel: r.ownParamNumel, bufferBytes: r.ownBufferBytes,
                dtypes: r.dtypes, devices: r.devices,
                outputShape: shape, flops: profileRow.map(\.flops), paramIDs: ids, isShared: r.isShared,
                hasLazyParams: r.params.contains(where: \.isLazy), error: failed))
        }
        let info = ModelInfo(name: name, source: source, rows: rows, parameters: parameters, training: model.training)
        return Result(info: info, parameterNames: names)
    }

    static func parentRow(of name: String, in rows: [String: Int]) -> Int? {
        if name.isEmpty { return nil }
        guard let dot = name.lastIndex(of: ".") else { return rows[""] }
        return rows[String(name[..<dot])] ?? rows[""]
    }
}
