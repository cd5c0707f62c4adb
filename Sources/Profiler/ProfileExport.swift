import Foundation

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
    public static func json(model: String, report: ProfileReport) -> String {
        let modules: [JSONText] = report.rows.map { row in
            .object([("name", .string(row.name)), ("class", .string(row.className)), ("calls", .int(row.calls)),
                     ("self_ms", percentiles(row.selfTime)), ("inclusive_ms", percentiles(row.inclusiveTime)),
                     ("flops", .int(row.flops)), ("outputs", .array(row.outputs.map(statistics)))])
        }
        var fields: [(String, JSONText)] = [("model", .string(model)), ("runs", .int(report.forwardPasses)), ("modules", .array(modules))]
        if let first = report.firstNonFinite { fields.append(("first_non_finite", .string(first))) }
        if let failed = report.failedModule { fields.append(("failed_module", .string(failed))) }
        return JSONText.object(fields).rendered + "\n"
    }

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
