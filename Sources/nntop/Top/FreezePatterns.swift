import ModelView

/// `--freeze-out`: the user's trainable/frozen choice as module-name patterns in the style of PEFT's
/// `target_modules` — the highest modules whose whole subtree is uniformly trainable (or frozen).
enum FreezePatterns {
    static func json(_ tree: ModelTree) -> String {
        let index = ModelIndex(tree)
        let accounting = ParameterAccounting(tree: tree, index: index)
        var trainable: [String] = [], frozen: [String] = []
        func visit(_ row: Int) {
            let name = tree.modules[row].name.isEmpty ? "*" : tree.modules[row].name
            switch accounting.state(of: row, index: index) {
            case .none: return
            case .yes: trainable.append(name)
            case .no: frozen.append(name)
            case .partial:
                for child in index.children[row] { visit(child) }
                for ref in tree.modules[row].params {
                    guard let k = index.parameterPosition[ref.tensor] else { continue }
                    let p = tree.parameters[k]
                    if p.requiresGrad { trainable.append(p.name) } else { frozen.append(p.name) }
                }
            }
        }
        for root in index.roots { visit(root) }
        func list(_ items: [String]) -> String { "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        return "{\"model\": \"\(tree.name)\", \"trainable\": \(list(trainable)), \"frozen\": \(list(frozen))}\n"
    }
}
