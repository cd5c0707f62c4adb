import Foundation
import NNModules

/// Profile exports: JSON (also nntop's session file), CSV, and a Chrome/Perfetto trace.
public enum ProfileExport {
    static func percentiles(_ p: LatencyPercentiles) -> JSONText {
        .object([("p50", .double(p.p50)), ("p90", .double(p.p90)), ("p99", .double(p.p99)), ("max", .double(p.max))])
    }

    static func statistics(_ s: ActivationStatistics) -> JSONText {
        .object([("path", .string(s.path)), ("shape", .array(s.shape.map(JSONText.int))), ("dtype", .string(s.dtype)),
                 ("numel", .int(s.numel)), ("mean", .double(s.mean)), ("std", .double(s.std)), ("min", .double(s.min)),
                 ("max", .double(s.max)), ("nan_count", .int(s.nanCount)), ("inf_count", .int(s.infCount)),
                 ("zero_fraction", .double(s.zeroFraction))])
    }

    /// `{"model", "runs", "modules": [...]}`: modules in `named_modules()` order, statistics of the last call.
    /// With `structure` (the same model's `moduleRecords()`), each module also carries what the TUI needs
    /// to show the tree without the model, which makes the file an nntop session (`nntop FILE.json`).
    public static func json(model: String, report: ProfileReport, structure: [ModuleRecord]? = nil,
                            training: Bool? = nil) -> String {
        var tensorIDs: [ObjectIdentifier: Int] = [:]
        let modules: [JSONText] = report.rows.enumerated().map { index, row in
            var fields: [(String, JSONText)] = [
                ("name", .string(row.name)), ("class", .string(row.className)), ("calls", .int(row.calls)),
                ("self_ms", percentiles(row.selfTime)), ("inclusive_ms", percentiles(row.inclusiveTime)),
                ("flops", .int(row.flops)), ("outputs", .array(row.outputs.map(statistics)))]
            if !row.inputs.isEmpty { fields.append(("inputs", .array(row.inputs.map(statistics)))) }
            if let backward = row.backward {
                fields += [("backward_calls", .int(backward.calls)), ("backward_self_ms", percentiles(backward.selfTime)),
                           ("backward_inclusive_ms", percentiles(backward.inclusiveTime))]
            }
            if let gradient = row.gradient { fields.append(("gradient", gradient.json)) }
            if let structure, structure.indices.contains(index) {
                let record = structure[index]
                let params: [JSONText] = record.params.map { p in
                    let id = tensorIDs[p.identity] ?? tensorIDs.count
                    tensorIDs[p.identity] = id
                    return .array([.string(p.name), p.shape.map { .array($0.map(JSONText.int)) } ?? .null,
                                   .string(p.dtype.rawValue), .bool(p.flag), .int(id)])
                }
                fields += [("depth", .int(record.depth)), ("own_param_numel", .int(record.ownParamNumel)),
                           ("buffer_bytes", .int(record.ownBufferBytes)), ("params", .array(params)),
                           ("dtypes", .array(record.dtypes.map(JSONText.string))),
                           ("devices", .array(record.devices.map(JSONText.string))),
                           ("shared", .bool(record.isShared)), ("lazy", .bool(record.params.contains(where: \.isLazy)))]
            }
            return .object(fields)
        }
        var fields: [(String, JSONText)] = [("model", .string(model)), ("runs", .int(report.forwardPasses)), ("modules", .array(modules))]
        if structure != nil { fields.insert(("format", .string(sessionFormat)), at: 0) }
        if let training { fields.append(("training", .bool(training))) }
        if let first = report.firstNonFinite { fields.append(("first_non_finite", .string(first))) }
        if let failed = report.failedModule { fields.append(("failed_module", .string(failed))) }
        if report.backwardPasses > 0 {
            fields += [("backward_passes", .int(report.backwardPasses)), ("last_backward_ms", .double(report.lastBackwardMs)),
                       ("backward_nodes", .array(report.backwardNodes.map(\.json)))]
            if let first = report.firstNonFiniteGradient { fields.append(("first_non_finite_gradient", .string(first))) }
        }
        return JSONText.object(fields).rendered + "\n"
    }

    /// Marks a JSON export that can be reopened in the TUI.
    public static let sessionFormat = "nntop-session/1"

    /// One line per module: times in ms, FLOPs, and the first output's statistics.
    public static func csv(report: ProfileReport) -> String {
        var lines = ["name,class,calls,self_p50_ms,self_p90_ms,self_p99_ms,self_max_ms,inclusive_p50_ms,inclusive_p90_ms,inclusive_p99_ms,inclusive_max_ms,flops,output_shape,mean,std,min,max,nan_count,inf_count,zero_fraction"]
        for row in report.rows {
            let o = row.outputs.first
            let shape = o.map { "[" + $0.shape.map(String.init).joined(separator: " ") + "]" } ?? ""
            let cells: [String] = [csvField(row.name), csvField(row.className), String(row.calls),
                                   "\(row.selfTime.p50)", "\(row.selfTime.p90)", "\(row.selfTime.p99)", "\(row.selfTime.max)",
                                   "\(row.inclusiveTime.p50)", "\(row.inclusiveTime.p90)", "\(row.inclusiveTime.p99)",
                                   "\(row.inclusiveTime.max)", String(row.flops), shape,
                                   o.map { "\($0.mean)" } ?? "", o.map { "\($0.std)" } ?? "", o.map { "\($0.min)" } ?? "",
                                   o.map { "\($0.max)" } ?? "", o.map { String($0.nanCount) } ?? "",
                                   o.map { String($0.infCount) } ?? "", o.map { "\($0.zeroFraction)" } ?? ""]
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// Chrome trace JSON (`traceEvents` of complete "X" events in µs), nested by time per module call;
    /// opens in chrome://tracing and Perfetto.
    public static func chromeTrace(model: String, report: ProfileReport) -> String {
        let events: [JSONText] = report.trace.map { e in
            .object([("name", .string(e.name.isEmpty ? model : e.name)), ("cat", .string(e.className)), ("ph", .string("X")),
                     ("ts", .double(Double(e.startNs) / 1000)), ("dur", .double(Double(e.durationNs) / 1000)),
                     ("pid", .int(1)), ("tid", .int(1)), ("args", .object([("class", .string(e.className)), ("depth", .int(e.depth))]))])
        }
        return JSONText.object([("traceEvents", .array(events)), ("displayTimeUnit", .string("ms"))]).rendered + "\n"
    }
}
