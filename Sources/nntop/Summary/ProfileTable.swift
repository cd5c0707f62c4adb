import Foundation
import ModelView

/// The text table of `nntop profile`: hottest modules by self time, with the figures the view shows for
/// the same modules (`Figures`: window p50s, `self%`, FLOPs of the subtree).
enum ProfileTable {
    private static func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
        let p = String(repeating: " ", count: max(0, n - s.count))
        return left ? p + s : s + p
    }

    private static func ms(_ v: Double) -> String { String(format: "%.3f", v) }

    static func render(tree: ModelTree, snapshot: ProfileSnapshot, top: Int) -> String {
        let index = ModelIndex(tree)
        let figures = Figures(index: index, snapshot: snapshot)
        let rows = tree.modules.indices.filter { figures.profile($0) != nil }
        let hottest = rows.sorted { (figures.selfMs($0) ?? 0, -$0) > (figures.selfMs($1) ?? 0, -$1) }.prefix(top)
        let rootMs = index.roots.first.flatMap(figures.inclusiveMs) ?? 0
        var lines = ["\(tree.name): \(snapshot.runner.forwards) forward passes, p50 \(ms(rootMs)) ms per forward"
                        + " (times per forward, p50 over the last \(snapshot.runner.window))",
                     pad("module", 36) + pad("class", 22) + pad("self p50", 10, left: true) + pad("incl p50", 10, left: true)
                        + pad("self%", 7, left: true) + pad("calls", 7, left: true) + pad("GFLOPs", 9, left: true) + "  output"]
        for row in hottest {
            guard let p = figures.profile(row) else { continue }
            let module = tree.modules[row]
            let share = figures.share(row).map { String(format: "%.1f%%", 100 * $0) } ?? ""
            let output = p.outputs.first.map { o in
                "[" + o.shape.map(String.init).joined(separator: ", ") + "] mean " + String(format: "%.4g", o.mean)
                    + " std " + String(format: "%.4g", o.std) + (o.hasNonFinite ? " NaN/Inf!" : "")
            } ?? ""
            let calls = p.callsPerForward == 1 ? String(p.calls) : "\(p.calls) ×\(Format.number(p.callsPerForward))"
            lines.append(pad(module.name.isEmpty ? "(root)" : module.name, 36) + pad(module.className, 22)
                         + pad(ms(figures.selfMs(row) ?? 0), 10, left: true) + pad(ms(figures.inclusiveMs(row) ?? 0), 10, left: true)
                         + pad(share, 7, left: true) + pad(calls, 7, left: true)
                         + pad(String(format: "%.3f", Double(figures.totalFlops[row] ?? 0) / 1e9), 9, left: true) + "  " + output)
        }
        if let first = snapshot.firstNonFinite { lines.append("first module producing NaN/Inf: \(first.isEmpty ? "(root)" : first)") }
        if snapshot.runner.lastBackwardMs != nil { lines += backwardLines(tree: tree, figures: figures, snapshot: snapshot, top: top) }
        return lines.joined(separator: "\n")
    }

    /// Training steps: the modules whose own autograd nodes take longest, their gradient norms, and the node
    /// classes the backward time goes to.
    static func backwardLines(tree: ModelTree, figures: Figures, snapshot: ProfileSnapshot, top: Int) -> [String] {
        let passes = max(snapshot.modules.compactMap(\.backward?.passes).max() ?? 0, 1)
        let rootMean = figures.profile(0)?.backward?.inclusive.window.mean ?? 0
        var lines = ["", "backward: \(passes) passes, last \(ms(snapshot.runner.lastBackwardMs ?? 0)) ms (loss included)",
                     pad("module", 36) + pad("class", 22) + pad("self p50", 10, left: true) + pad("incl p50", 10, left: true)
                        + pad("self%", 7, left: true) + pad("grad norm", 12, left: true)]
        let hottest = tree.modules.indices.compactMap { row in figures.profile(row)?.backward.map { (row, $0) } }
            .sorted { ($0.1.selfTime.window.p50, -$0.0) > ($1.1.selfTime.window.p50, -$1.0) }.prefix(top)
        for (row, backward) in hottest {
            let module = tree.modules[row]
            let norm = figures.profile(row)?.gradient.map { g in g.hasNonFinite ? "NaN/Inf!" : String(format: "%.4g", g.norm) } ?? ""
            let share = rootMean > 0 ? String(format: "%.1f%%", 100 * backward.selfTime.window.mean / rootMean) : ""
            lines.append(pad(module.name.isEmpty ? "(root)" : module.name, 36) + pad(module.className, 22)
                         + pad(ms(backward.selfTime.window.p50), 10, left: true) + pad(ms(backward.inclusive.window.p50), 10, left: true)
                         + pad(share, 7, left: true) + pad(norm, 12, left: true))
        }
        let nodes = snapshot.backwardNodes.prefix(8).map { "\($0.name) \(ms($0.ms / Double(passes))) ms ×\($0.count / passes)" }
        lines.append("per pass by node: " + nodes.joined(separator: ", "))
        if let first = snapshot.firstNonFiniteGradient { lines.append("first module with a NaN/Inf gradient: \(first.isEmpty ? "(root)" : first)") }
        return lines
    }
}
