/// torch.nn.ModuleList: an indexable list of children with no forward of its own. Its repr collapses runs
/// of identical children into `(0-3): 4 x Linear(...)`.
public final class ModuleList: Module {
    public init(_ modules: [Module] = []) {
        super.init()
        for m in modules { _modules[String(_modules.count)] = .some(m) }
    }

    public var count: Int { _modules.count }

    public subscript(idx: Int) -> Module? {
        get throws { _modules.values[try childPosition(idx)] }
    }

    /// The children as a Swift array (skipping `None` slots), for forward loops.
    public var items: [Module] { _modules.values.compactMap { $0 } }

    /// torch: `ml[a:b]` — a new ModuleList, renumbered from 0.
    public func slice(_ range: Range<Int>) -> ModuleList {
        let n = _modules.count
        let lo = min(max(range.lowerBound, 0), n), hi = min(max(range.upperBound, lo), n)
        return ModuleList(Array(_modules.values[lo..<hi]).compactMap { $0 })
    }

    public func slice(from start: Int) -> ModuleList {
        let n = _modules.count
        return slice((start < 0 ? max(start + n, 0) : start)..<n)
    }

    public func set(_ idx: Int, _ module: Module) throws {
        try setAttribute(_modules.keys[try childPosition(idx)], .module(module))
    }

    /// torch: `del ml[idx]` — renumbers the remaining children.
    public func remove(at idx: Int) throws {
        _modules.remove(at: try childPosition(idx))
        setNumberedChildren(Array(_modules.values))
    }

    @discardableResult
    public func append(_ module: Module) throws -> Self {
        try addModule(String(_modules.count), module)
        return self
    }

    @discardableResult
    public func extend(_ modules: [Module]) throws -> Self {
        for m in modules { try append(m) }
        return self
    }

    /// torch: `insert(index, module)`.
    public func insert(_ idx: Int, _ module: Module) {
        let n = _modules.count
        let position = min(max(idx < 0 ? idx + n : idx, 0), n)
        var values = Array(_modules.values)
        values.insert(module, at: position)
        setNumberedChildren(values)
    }

    /// torch: `ml += [...]`.
    public static func += (lhs: ModuleList, rhs: [Module]) throws {
        try lhs.extend(rhs)
    }

    override public func repr() -> String {
        let reprs = _modules.values.map { $0?.repr() ?? "None" }
        guard !reprs.isEmpty else { return typeName + "()" }
        var blocks: [(start: Int, end: Int, text: String)] = []
        for (i, r) in reprs.enumerated() {
            if let last = blocks.last, last.text == r {
                blocks[blocks.count - 1].end = i
            } else {
                blocks.append((i, i, r))
            }
        }
        let lines = blocks.map { block -> String in
            let local = block.start == block.end
                ? "(\(block.start)): \(block.text)"
                : "(\(block.start)-\(block.end)): \(block.end - block.start + 1) x \(block.text)"
            return addIndent(local, 2)
        }
        return typeName + "(\n  " + lines.joined(separator: "\n  ") + "\n)"
    }
}
