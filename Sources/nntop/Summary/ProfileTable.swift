import Foundation
import Profiler

/// The text table of `nntop profile`: hottest modules by self time.
enum ProfileTable {
    static func render(model: String, report: ProfileReport, top: Int) -> String {
        let total = max(report.rows.first?.inclusiveTime.p50 ?? 0, 1e-9)
        let hottest = report.rows.enumerated().filter { $0.element.calls > 0 }
            .sorted { ($0.element.selfTime.p50, -$0.offset) > ($1.element.selfTime.p50, -$1.offset) }.prefix(top)
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let p = String(repeating: " ", count: max(0, n - s.count))
            return left ? p + s : s + p
        }
        func ms(_ v: Double) -> String { String(format: "%.3f", v) }
        var lines = ["\(model): \(report.forwardPasses) forward passes, p50 \(ms(report.rows.first?.inclusiveTime.p50 ?? 0)) ms per forward",
                     pad("module", 36) + pad("class", 22) + pad("self p50", 10, left: true) + pad("incl p50", 10, left: true)
                        + pad("share", 7, left: true) + pad("calls", 7, left: true) + pad("GFLOPs", 9, left: true) + "  output"]
        for (_, row) in hottest {
            let share = String(format: "%.1f%%", 100 * row.selfTime.p50 / total)
            let output = row.outputs.first.map { o in
                "[" + o.shape.map(String.init).joined(separator: ", ") + "] mean " + String(format: "%.4g", o.mean)
                    + " std " + String(format: "%.4g", o.std) + (o.nanCount + o.infCount > 0 ? " NaN/Inf!" : "")
            } ?? ""
            lines.append(pad(row.name.isEmpty ? "(root)" : row.name, 36) + pad(row.className, 22)
                         + pad(ms(row.selfTime.p50), 10, left: true) + pad(ms(row.inclusiveTime.p50), 10, left: true)
                         + pad(share, 7, left: true) + pad(String(row.calls), 7, left: true)
                         + pad(String(format: "%.3f", Double(row.flops) / 1e9), 9, left: true) + "  " + output)
        }
        if let first = report.firstNonFinite { lines.append("first module producing NaN/Inf: \(first.isEmpty ? "(root)" : first)") }
        return lines.joined(separator: "\n")
    }
}
