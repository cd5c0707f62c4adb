import NNTopUI

/// `--freeze-out`: the user's trainable/frozen choice as module-name patterns in the style of PEFT's
/// `target_modules` — the highest modules whose whole subtree is uniformly trainable (or frozen).
enum FreezePatterns {
    static func json(_ model: ModelInfo) -> String {
        var children = [[Int]](repeating: [], count: model.rows.count)
        var roots: [Int] = []
        for (i, row) in model.rows.enumerated() {
            if let p = row.parent { children[p].append(i) } else { roots.append(i) }
        }
        var trainable: [String] = [], frozen: [String] = []
        func subtreeParams(_ row: Int) -> [ParameterInfo] {
            var ids = Set(model.rows[row].paramIDs)
            for child in children[row] { ids.formUnion(subtreeParams(child).map(\.id)) }
            return model.parameters.filter { ids.contains($0.id) }
        }
        func visit(_ row: Int) {
            let params = subtreeParams(row)
            guard !params.isEmpty else { return }
            let name = model.rows[row].name.isEmpty ? "*" : model.rows[row].name
            if params.allSatisfy(\.requiresGrad) { trainable.append(name); return }
            if params.allSatisfy({ !$0.requiresGrad }) { frozen.append(name); return }
            for child in children[row] { visit(child) }
            let own = model.parameters.filter { model.rows[row].paramIDs.contains($0.id) }
            for p in own { (p.requiresGrad ? { trainable.append(p.name) } : { frozen.append(p.name) })() }
        }
        for root in roots { visit(root) }
        func list(_ items: [String]) -> String { "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        return "{\"model\": \"\(model.name)\", \"trainable\": \(list(trainable)), \"frozen\": \(list(frozen))}\n"
    }
}
