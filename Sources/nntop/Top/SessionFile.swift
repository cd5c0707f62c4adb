import Foundation
import NNTopUI
import Profiler

/// `nntop FILE.json`: reopens a profile exported with its structure (`e` in the TUI, or
/// `nntop profile --json`) without the model — record on one machine, browse on another.
enum SessionFile {
    struct Session {
        let info: ModelInfo
        let snapshot: ProfileSnapshot
    }

    static func isSession(_ path: String) -> Bool {
        path.hasSuffix(".json") && FileManager.default.fileExists(atPath: path)
    }

    static func load(_ path: String) throws -> Session {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ModelLoadError(description: "\(path): cannot read: \(error.localizedDescription)")
        }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ModelLoadError(description: "\(path): not a JSON object, so not an nntop session file")
        }
        guard root["format"] as? String == ProfileExport.sessionFormat, let modules = root["modules"] as? [[String: Any]] else {
            throw ModelLoadError(description: "\(path): not an nntop session file (expected \"format\": \"\(ProfileExport.sessionFormat)\"; export one with `e` in the TUI or `nntop profile MODEL --json FILE`)")
        }
        let model = root["model"] as? String ?? URL(fileURLWithPath: path).lastPathComponent
        var rowByName: [String: Int] = [:]
        var rows: [ModuleRow] = []
        var parameters: [ParameterInfo] = []
        var parameterByTensor: [Int: Int] = [:]
        var profiles: [RowProfile?] = []
        let rootInclusive = max(percentile((modules.first?["inclusive_ms"]) as? [String: Any]).p50, 1e-9)
        for (index, module) in modules.enumerated() {
            guard let name = module["name"] as? String, let className = module["class"] as? String else {
                throw ModelLoadError(description: "\(path): module \(index) has no name or class")
            }
            rowByName[name] = index
            var ids: [Int] = []
            for case let p as [Any] in module["params"] as? [Any] ?? [] {
                guard p.count >= 5, let pname = p[0] as? String, let dtype = p[2] as? String,
                      let requiresGrad = p[3] as? Bool, let tensor = p[4] as? Int else { continue }
                if let existing = parameterByTensor[tensor] {
                    parameters[existing].ownerRows.append(index)
                    ids.append(existing)
                    continue
                }
                let shape = p[1] as? [Int] ?? []
                let numel = shape.reduce(1, *)
                let id = parameters.count
                parameterByTensor[tensor] = id
                parameters.append(ParameterInfo(id: id, name: name.isEmpty ? pname : name + "." + pname, shape: shape, dtype: dtype,
                                                numel: numel, bytes: numel * itemSize(dtype), requiresGrad: requiresGrad,
                                                ownerRows: [index]))
                ids.append(id)
            }
            let outputs = module["outputs"] as? [[String: Any]] ?? []
            let shape = (outputs.first?["shape"] as? [Int]).map { "[" + $0.map(String.init).joined(separator: ", ") + "]" }
            rows.append(ModuleRow(
                name: name, className: className, depth: module["depth"] as? Int ?? name.split(separator: ".").count,
                parent: ModelInfoBuilder.parentRow(of: name, in: rowByName),
                ownParamNumel: module["own_param_numel"] as? Int ?? 0, bufferBytes: module["buffer_bytes"] as? Int ?? 0,
                dtypes: module["dtypes"] as? [String] ?? [], devices: module["devices"] as? [String] ?? [],
                outputShape: shape, flops: module["flops"] as? Int, paramIDs: ids,
                isShared: module["shared"] as? Bool ?? false, hasLazyParams: module["lazy"] as? Bool ?? false,
                error: root["failed_module"] as? String == name ? "forward failed here" : nil))
            let calls = module["calls"] as? Int ?? 0
            let selfTime = percentile(module["self_ms"] as? [String: Any])
            let activation = outputs.first.map {
                ActivationStats(mean: number($0["mean"]), std: number($0["std"]), min: number($0["min"]), max: number($0["max"]),
                                zeroFraction: number($0["zero_fraction"]), nanCount: $0["nan_count"] as? Int ?? 0,
                                infCount: $0["inf_count"] as? Int ?? 0)
            }
            let backward = module["backward_inclusive_ms"].map { _ in
                BackwardProfile(selfTime: percentile(module["backward_self_ms"] as? [String: Any]),
                                inclusive: percentile(module["backward_inclusive_ms"] as? [String: Any]))
            }
            let gradient = (module["gradient"] as? [String: Any]).map {
                GradientStats(norm: number($0["grad_norm"]), mean: number($0["grad_mean"]), maxAbs: number($0["grad_max"]),
                              nanCount: $0["nan_count"] as? Int ?? 0, infCount: $0["inf_count"] as? Int ?? 0)
            }
            profiles.append(calls == 0 ? nil : RowProfile(
                calls: calls, selfTime: selfTime, inclusive: percentile(module["inclusive_ms"] as? [String: Any]),
                share: selfTime.p50 / rootInclusive, activation: activation, backward: backward, gradient: gradient))
        }
        // A profile recorded in train-step mode reopens with its backward and gradient columns.
        let trainStep = (root["backward_passes"] as? Int ?? 0) > 0
            ? TrainStepStatus(losses: [], backwardMs: number(root["last_backward_ms"]),
                              firstNonFiniteGradientRow: (root["first_non_finite_gradient"] as? String).flatMap { rowByName[$0] })
            : nil
        let firstNonFinite = (root["first_non_finite"] as? String).flatMap { rowByName[$0] }
        let info = ModelInfo(name: model, source: path, rows: rows, parameters: parameters, training: root["training"] as? Bool ?? false)
        return Session(info: info, snapshot: ProfileSnapshot(rows: profiles, runsPerSecond: 0, runner: .recorded,
                                                             firstNonFiniteRow: firstNonFinite, trainStep: trainStep))
    }

    /// JSON numbers, and the strings `"NaN"`/`"Infinity"`/`"-Infinity"` the exports use for non-finite values.
    static func number(_ value: Any?) -> Double {
        if let d = value as? Double { return d }
        if let i = value as? Int { return Double(i) }
        switch value as? String {
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return .nan
        }
    }

    static func percentile(_ value: [String: Any]?) -> LatencyStats {
        LatencyStats(p50: number(value?["p50"]), p90: number(value?["p90"]), p99: number(value?["p99"]), max: number(value?["max"]))
    }

    static func itemSize(_ dtype: String) -> Int {
        switch dtype {
        case "float64", "int64", "complex64": return 8
        case "float16", "bfloat16", "int16": return 2
        case "int8", "uint8", "bool": return 1
        default: return 4
        }
    }
}
