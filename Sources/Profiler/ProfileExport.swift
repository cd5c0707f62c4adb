import Foundation
import ModelView

/// Profile exports: the session file (the view schema's JSON, reopened by `nntop FILE.json`), CSV and a
/// Chrome/Perfetto trace.
public enum ProfileExport {
    /// The session file's text.
    public static func json(tree: ModelTree, snapshot: ProfileSnapshot) throws -> Data {
        try Session(tree: tree, snapshot: snapshot).encoded()
    }

    /// One line per module that ran: times per forward in ms (window), FLOPs, and the first output's
    /// statistics.
    public static func csv(tree: ModelTree, snapshot: ProfileSnapshot) -> String {
        var lines = ["name,class,calls,calls_per_forward,self_p50_ms,self_p90_ms,self_p99_ms,self_max_ms,self_mean_ms,inclusive_p50_ms,inclusive_p90_ms,inclusive_p99_ms,inclusive_max_ms,inclusive_mean_ms,share,flops,output_shape,mean,std,min,max,nan_count,inf_count,zero_fraction"]
        let index = ModelIndex(tree)
        let figures = Figures(index: index, snapshot: snapshot)
        for (row, module) in tree.modules.enumerated() {
            guard let p = figures.profile(row) else { continue }
            let o = p.outputs.first
            let shape = o.map { "[" + $0.shape.map(String.init).joined(separator: " ") + "]" } ?? ""
            let s = p.selfTime.window, i = p.inclusive.window
            let cells: [String] = [csvField(module.name), csvField(module.className), String(p.calls), "\(p.callsPerForward)",
                                   "\(s.p50)", "\(s.p90)", "\(s.p99)", "\(s.max)", "\(s.mean)",
                                   "\(i.p50)", "\(i.p90)", "\(i.p99)", "\(i.max)", "\(i.mean)",
                                   figures.share(row).map { "\($0)" } ?? "", figures.totalFlops[row].map(String.init) ?? "", shape,
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
    public static func chromeTrace(model: String, events trace: [TraceEvent]) -> String {
        let events: [JSONText] = trace.map { e in
            .object([("name", .string(e.name.isEmpty ? model : e.name)), ("cat", .string(e.className)), ("ph", .string("X")),
                     ("ts", .double(Double(e.startNs) / 1000)), ("dur", .double(Double(e.durationNs) / 1000)),
                     ("pid", .int(1)), ("tid", .int(1)), ("args", .object([("class", .string(e.className)), ("depth", .int(e.depth))]))])
        }
        return JSONText.object([("traceEvents", .array(events)), ("displayTimeUnit", .string("ms"))]).rendered + "\n"
    }
}
