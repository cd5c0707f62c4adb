/// Deterministic fabricated models and profiles for the render benchmark (`nntop bench`) and tests: a
/// GPT-like stack of blocks, large enough to show that only visible rows are laid out.
public enum SyntheticModel {
    /// A model with about `moduleCount` rows: a root, a `blocks` ModuleList and blocks of attention
    /// (q/k/v/o `Linear`), MLP and a `LayerNorm`; `head` shares the embedding weight.
    public static func make(moduleCount: Int, hidden: Int = 256) -> ModelTree {
        var modules: [ModuleNode] = []
        var params: [ParameterSpec] = []
        func add(_ name: String, _ cls: String, parent: Int?, shapes: [(String, [Int])] = []) -> Int {
            var refs: [ParameterRef] = []
            for (attribute, shape) in shapes {
                refs.append(ParameterRef(name: attribute, tensor: params.count))
                params.append(ParameterSpec(id: params.count, name: name + "." + attribute, shape: shape, dtype: "float32"))
            }
            modules.append(ModuleNode(name: name, className: cls, parent: parent, params: refs))
            return modules.count - 1
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
        modules[head].params = modules[embed].params
        return ModelTree(name: "SyntheticGPT", source: "synthetic:\(modules.count)", modules: modules, parameters: params)
    }

    /// A plausible profile for `tree`: every row measured, each module spending a little time in its own
    /// code, inclusive times adding up along the tree.
    public static func profile(for tree: ModelTree) -> ProfileSnapshot {
        let count = tree.modules.count
        var inclusive = [Double](repeating: 0, count: count)
        var selfTime = [Double](repeating: 0, count: count)
        for i in stride(from: count - 1, through: 0, by: -1) {
            selfTime[i] = 0.005 + Double((i * 37) % 100) / 1000
            inclusive[i] += selfTime[i]
            if let p = tree.modules[i].parent, p >= 0, p < i { inclusive[p] += inclusive[i] }
        }
        func timing(_ ms: Double) -> Timing {
            let p = Percentiles(p50: ms, p90: ms * 1.2, p99: ms * 1.5, max: ms * 2, mean: ms)
            return Timing(window: p, total: p)
        }
        let modules = tree.modules.indices.map { i in
            let incl = inclusive[i]
            let leafFlops = tree.modules[i].params.isEmpty ? nil : Optional(2 * 128 * 1000 * (i % 7 + 1))
            return ModuleProfile(
                name: tree.modules[i].name, calls: 10, selfTime: timing(selfTime[i]), inclusive: timing(incl),
                historyMs: (0..<30).map { incl * (1 + Double(($0 * 7 + i) % 10) / 20) }, flops: leafFlops,
                outputs: [ActivationStats(shape: [1, 128, 256], dtype: "float32", numel: 32768, mean: 0.01, std: 1, min: -4,
                                          max: 4, zeroFraction: 0.1, sampled: 32768)])
        }
        return ProfileSnapshot(runner: RunnerStatus(state: .running, forwards: 10, runsPerSecond: 1000 / max(inclusive.first ?? 1, 1e-9)),
                               modules: modules)
    }
}
