import Foundation
import Profiler

/// The text table of `nntop profile`: hottest modules by self time.
enum ProfileTable {
    private static func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
        let p = String(repeating: " ", count: max(0, n - s.count))
        return left ? p + s : s + p
    }

    private static func ms(_ v: Double) -> String { String(format: "%.3f", v) }

    static func render(model: String, report: ProfileReport, top: Int) -> String {
        let total = max(report.rows.first?.inclusiveTime.p50 ?? 0, 1e-9)
        let hottest = report.rows.enumerated().filter { $0.element.calls > 0 }
            .sorted { ($0.element.selfTime.p50, -$0.offset) > ($1.element.selfTime.p50, -$1.offset) }.prefix(top)
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
        if report.backwardPasses > 0 { lines += backwardLines(report, top: top) }
        return lines.joined(separator: "\n")
    }

    /// Training steps: the modules whose own autograd nodes take longest, their gradient norms, and the node
    /// classes the backward time goes to.
    static func backwardLines(_ report: ProfileReport, top: Int) -> [String] {
        let total = max(report.rows.first?.backward?.inclusiveTime.p50 ?? 0, 1e-9)
        var lines = ["", "backward: \(report.backwardPasses) passes, last \(ms(report.lastBackwardMs)) ms (loss included)",
                     pad("module", 36) + pad("class", 22) + pad("self p50", 10, left: true) + pad("incl p50", 10, left: true)
                        + pad("share", 7, left: true) + pad("grad norm", 12, left: true)]
        let hottest = report.rows.enumerated().compactMap { i, row in row.backward.map { (i, row, $0) } }
            .sorted { ($0.2.selfTime.p50, -$0.0) > ($1.2.selfTime.p50, -$1.0) }.prefix(top)
        for (_, row, backward) in hottest {
            let norm = row.gradient.map { g in g.nanCount + g.infCount > 0 ? "NaN/Inf!" : String(format: "%.4g", g.norm) } ?? ""
            lines.append(pad(row.name.isEmpty ? "(root)" : row.name, 36) + pad(row.className, 22)
                         + pad(ms(backward.selfTime.p50), 10, left: true) + pad(ms(backward.inclusiveTime.p50), 10, left: true)
                         + pad(String(format: "%.1f%%", 100 * backward.selfTime.p50 / total), 7, left: true) + pad(norm, 12, left: true))
        }
        let nodes = report.backwardNodes.prefix(8).map { "\($0.name) \(ms($0.totalMs / Double(max(report.backwardPasses, 1)))) ms ×\($0.count / max(report.backwardPasses, 1))" }
        lines.append("per pass by node: " + nodes.joined(separator: ", "))
        if let first = report.firstNonFiniteGradient { lines.append("first module with a NaN/Inf gradient: \(first.isEmpty ? "(root)" : first)") }
        return lines
    }
}
