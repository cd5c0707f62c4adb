/// Deterministic fabricated models and profiles for the render benchmark (`nntop bench`) and demos:
/// a GPT-like stack of blocks, large enough to show that only visible rows are laid out.
public enum SyntheticModel {
    /// A model with about `moduleCount` rows: a root, a `blocks` ModuleList and blocks of
    /// attention (q/k/v/o `Linear`), MLP and two `LayerNorm`s; `head` shares the embedding weight.
    public static func make(moduleCount: Int, hidden: Int = 256) -> ModelInfo {
        var rows: [ModuleRow] = []
        var params: [ParameterInfo] = []
        func add(_ name: String, _ cls: String, parent: Int?, shapes: [(String, [Int])] = []) -> Int {
            let index = rows.count
            var ids: [Int] = []
            for (attribute, shape) in shapes {
                let numel = shape.reduce(1, *)
                ids.append(params.count)
                params.append(ParameterInfo(
                    id: params.count, name: name + "." + attribute, shape: shape, dtype: "float32", numel: numel,
                    bytes: numel * 4, requiresGrad: true, ownerRows: [index]))
            }
            let depth = parent.map { rows[$0].depth + 1 } ?? 0
            rows.append(ModuleRow(
                name: name, className: cls, depth: depth, parent: parent,
                ownParamNumel: shapes.reduce(0) { $0 + $1.1.reduce(1, *) }, dtypes: shapes.isEmpty ? [] : ["float32"],
                devices: shapes.isEmpty ? [] : ["cpu"], outputShape: "[1, 128, \(hidden)]",
                flops: shapes.isEmpty ? nil : 2 * 128 * shapes.reduce(0) { $0 + $1.1.reduce(1, *) }, paramIDs: ids))
            return index
        }
        let root = add("", "SyntheticGPT", parent: nil)
        let embed = add("embed", "Embedding", parent: root, shapes: [("weight", [1000, hidden])])
        let list = add("blocks", "ModuleList", parent: root)
        let perBlock = 11
        for b in 0..<max(1, (moduleCount - 5) / perBlock) {
            let block = add("blocks.\(b)", "Block", parent: list)
            let attn = add("blocks.\(b).attn", "Attention", parent: block)
            for proj in ["q", "k", "v", "o"] {
                _ = add("blocks.\(b).attn.\(proj)", "Linear", parent: attn,
                        shapes: [("weight", [hidden, hidden]), ("bias", [hidden])])
            }
            let mlp = add("blocks.\(b).mlp", "MLP", parent: block)
            _ = add("blocks.\(b).mlp.fc1", "Linear", parent: mlp, shapes: [("weight", [4 * hidden, hidden])])
            _ = add("blocks.\(b).mlp.act", "GELU", parent: mlp)
            _ = add("blocks.\(b).mlp.fc2", "Linear", parent: mlp, shapes: [("weight", [hidden, 4 * hidden])])
            _ = add("blocks.\(b).norm", "LayerNorm", parent: block, shapes: [("weight", [hidden]), ("bias", [hidden])])
        }
        let head = add("head", "Linear", parent: root)
        rows[head].paramIDs = rows[embed].paramIDs
        rows[head].ownParamNumel = rows[embed].ownParamNumel
        rows[head].dtypes = rows[embed].dtypes
        rows[head].devices = rows[embed].devices
        for id in rows[embed].paramIDs { params[id].ownerRows.append(head) }
        return ModelInfo(name: "SyntheticGPT", source: "synthetic:\(rows.count)", rows: rows, parameters: params)
    }

    /// A plausible profile for `model`: every row measured, leaves doing the work.
    public static func profile(for model: ModelInfo) -> ProfileSnapshot {
        var inclusive = [Double](repeating: 0, count: model.rows.count)
        var selfTime = [Double](repeating: 0, count: model.rows.count)
        for i in stride(from: model.rows.count - 1, through: 0, by: -1) {
            selfTime[i] = 0.005 + Double((i * 37) % 100) / 1000
            inclusive[i] += selfTime[i]
            if let p = model.rows[i].parent, p >= 0, p < i { inclusive[p] += inclusive[i] }
        }
        let total = max(inclusive.first ?? 1, 1e-9)
        let rows: [RowProfile?] = model.rows.indices.map { i in
            let incl = inclusive[i]
            return RowProfile(
                calls: 10,
                selfTime: LatencyStats(p50: selfTime[i], p90: selfTime[i] * 1.2, p99: selfTime[i] * 1.5,
                                       max: selfTime[i] * 2),
                inclusive: LatencyStats(p50: incl, p90: incl * 1.2, p99: incl * 1.5, max: incl * 2),
                share: incl / total,
                history: (0..<30).map { incl * (1 + Double(($0 * 7 + i) % 10) / 20) },
                activation: ActivationStats(mean: 0.01, std: 1, min: -4, max: 4, zeroFraction: 0.1))
        }
        return ProfileSnapshot(rows: rows, runsPerSecond: 1000 / total, runner: .running)
    }
}
