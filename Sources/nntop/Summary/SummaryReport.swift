import Profiler
import Foundation
import NNModules

/// `nntop summary`: a torchinfo-like table in `named_modules()` order, or JSON lines with the goldens'
/// `modules.jsonl` fields (plus the recorded output shapes).
struct SummaryReport {
    let records: [ModuleRecord]
    let outputShapes: [String: [[Int]]]
    let totalParams: Int
    let trainableParams: Int
    let forwardError: String?
    let failedModule: String?

    init(model: Module, records: [ModuleRecord], outputShapes: [String: [[Int]]], forwardError: String?, failedModule: String?) {
        self.records = records
        self.outputShapes = outputShapes
        let params = model.parameters()
        totalParams = params.map { $0.isLazy ? 0 : $0.count }.reduce(0, +)
        trainableParams = params.filter(\.requiresGrad).map { $0.isLazy ? 0 : $0.count }.reduce(0, +)
        self.forwardError = forwardError
        self.failedModule = failedModule
    }

    func jsonLines() -> [String] {
        records.map { r in
            func tensorRow(_ t: ModuleRecord.TensorInfo) -> JSONText {
                .array([.string(t.name), t.shape.map { .array($0.map(JSONText.int)) } ?? .null, .string(t.dtype.rawValue), .bool(t.flag)])
            }
            var fields: [(String, JSONText)] = [
                ("index", .int(r.index)), ("name", .string(r.name)), ("class", .string(r.className)), ("depth", .int(r.depth)),
                ("own_param_tensors", .int(r.ownParamTensors)), ("own_param_numel", .int(r.ownParamNumel)),
                ("recursive_param_numel", .int(r.recursiveParamNumel)),
                ("recursive_trainable_numel", .int(r.recursiveTrainableNumel)),
                ("own_buffer_count", .int(r.ownBufferCount)), ("own_buffer_bytes", .int(r.ownBufferBytes)),
                ("params", .array(r.params.map(tensorRow))), ("buffers", .array(r.buffers.map(tensorRow))),
                ("children", .array(r.children.map(JSONText.string))),
            ]
            fields.append(("output_shapes", outputShapes[r.name].map { .array($0.map { .array($0.map(JSONText.int)) }) } ?? .null))
            return JSONText.object(fields).rendered
        }
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
            let shape = outputShapes[r.name]?.first.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" } ?? "--"
            let mark = r.name == failedModule ? "  <- forward failed here" : ""
            lines.append(pad(label, 45) + pad(shape, 30) + (count == 0 ? "--" : grouped(count)) + mark)
        }
        lines += [rule, "Total params: \(grouped(totalParams))", "Trainable params: \(grouped(trainableParams))",
                  "Non-trainable params: \(grouped(totalParams - trainableParams))", rule]
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
