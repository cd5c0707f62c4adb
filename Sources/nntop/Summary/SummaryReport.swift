import Foundation
import ModelView

/// `nntop summary`: a torchinfo-like table in `named_modules()` order, or JSON lines with the goldens'
/// `modules.jsonl` fields (plus the recorded output shapes), both derived from the view's `ModelTree`.
struct SummaryReport {
    let tree: ModelTree
    let records: [ModuleRecord]
    let accounting: ParameterAccounting
    let failedModule: String?
    let forwardError: String?

    init(tree: ModelTree, outputShapes: [String: [[Int]]], forwardError: String?, failedModule: String?) {
        self.tree = tree
        let index = ModelIndex(tree)
        records = ModuleRecord.records(tree, index: index).map { record in
            var record = record
            record.outputShapes = outputShapes[record.name]
            return record
        }
        accounting = ParameterAccounting(tree: tree, index: index)
        self.forwardError = forwardError
        self.failedModule = failedModule
    }

    func jsonLines() throws -> [String] {
        let encoder = ViewJSON.encoder()
        return try records.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
    }

    func table(maxDepth: Int?) -> String {
        let rule = String(repeating: "=", count: 100)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s.padding(toLength: n, withPad: " ", startingAt: 0) }
        var lines = [rule, pad("Layer (type:depth-idx)", 45) + pad("Output Shape", 30) + "Param #", rule]
        var counters: [Int: Int] = [:]
        var lastAtDepth: [Int: Bool] = [:]
        let visible = records.filter { maxDepth == nil || $0.depth <= maxDepth! }
        for (i, r) in visible.enumerated() {
            var label = r.className
            if r.depth > 0 {
                counters[r.depth, default: 0] += 1
                let isLast = !visible[(i + 1)...].prefix { $0.depth >= r.depth }.contains { $0.depth == r.depth }
                lastAtDepth[r.depth] = isLast
                let guides = (1..<r.depth).map { (lastAtDepth[$0] ?? false) ? "     " : "│    " }.joined()
                label = guides + (r.depth == 1 ? "├─" : "└─") + "\(r.className): \(r.depth)-\(counters[r.depth]!)"
            }
            let truncated = maxDepth != nil && r.depth == maxDepth! && !r.children.isEmpty
            let count = truncated ? r.recursiveParamNumel : r.ownParamNumel
            let shape = r.outputShapes?.first.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" } ?? "--"
            let mark = r.name == failedModule ? "  <- forward failed here" : ""
            lines.append(pad(label, 45) + pad(shape, 30) + (count == 0 ? "--" : grouped(count)) + mark)
        }
        lines += [rule, "Total params: \(grouped(accounting.total))", "Trainable params: \(grouped(accounting.trainable))",
                  "Non-trainable params: \(grouped(accounting.frozen))", rule]
        if let forwardError { lines.append("Sample forward failed: \(forwardError)") }
        return lines.joined(separator: "\n")
    }

    /// `11,689,512`.
    func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }
}
