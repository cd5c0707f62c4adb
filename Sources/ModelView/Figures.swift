/// Every figure a view derives from a snapshot, computed once per snapshot so the tree, the detail pane,
/// the hottest pane, `summary`, `profile` and a reopened session print the same number for the same module.
public struct Figures: Sendable {
    /// The snapshot's modules, and for each tree row the position of its entry there (-1: it has not run).
    /// Positions, not copies: a 100,000-module snapshot arrives several times a second.
    private let modules: [ModuleProfile]
    private let entry: [Int32]
    /// Own FLOPs of each row's subtree per forward, added up whether the row is folded or not; `nil` when no
    /// module in it reported FLOPs.
    public let totalFlops: [Int?]
    /// The root's mean inclusive time per forward over the window: what shares are fractions of.
    public let forwardMeanMs: Double
    /// The root's mean inclusive forward + backward time per step (train-step mode).
    public let stepMeanMs: Double
    public let firstNonFiniteRow: Int?
    public let failedRow: Int?
    public let firstNonFiniteGradientRow: Int?
    public let trainStep: Bool
    private let hasChildren: [Bool]
    /// Per row, what sorting and ranking compare for every row of a big tree on each snapshot (reading them
    /// from the snapshot would copy a whole `ModuleProfile` per comparison): self p50, backward self p50 (0 when
    /// unmeasured) and `hotness`.
    private let selfP50: [Double]
    private let backwardSelfP50: [Double]
    private let hotnessByRow: [Double]

    public init(index: ModelIndex, snapshot: ProfileSnapshot?) {
        let count = index.parent.count
        let modules = snapshot?.modules ?? []
        var entry = [Int32](repeating: -1, count: count)
        var flops = [Int?](repeating: nil, count: count)
        var selfP50 = [Double](repeating: 0, count: count)
        var backwardSelfP50 = [Double](repeating: 0, count: count)
        for k in modules.indices {
            // Snapshots list modules in tree order, so the row is usually the position itself.
            let name = modules[k].name
            let row = k < count && index.names[k] == name ? k : index.rowByName[name] ?? -1
            guard row >= 0, row < count else { continue }
            entry[row] = Int32(k)
            flops[row] = modules[k].flops
            selfP50[row] = modules[k].selfTime.window.p50
            backwardSelfP50[row] = modules[k].backward?.selfTime.window.p50 ?? 0
        }
        for i in stride(from: count - 1, through: 0, by: -1) {
            guard let p = index.parent[i], let f = flops[i] else { continue }
            flops[p] = (flops[p] ?? 0) + f
        }
        let rootEntry = index.roots.first.map { Int(entry[$0]) } ?? -1
        let root = rootEntry >= 0 ? modules[rootEntry] : nil
        self.modules = modules
        self.entry = entry
        totalFlops = flops
        forwardMeanMs = root?.inclusive.window.mean ?? 0
        stepMeanMs = forwardMeanMs + (root?.backward?.inclusive.window.mean ?? 0)
        firstNonFiniteRow = snapshot?.firstNonFinite.flatMap { index.rowByName[$0] }
        failedRow = snapshot?.failedModule.flatMap { index.rowByName[$0] }
        firstNonFiniteGradientRow = snapshot?.firstNonFiniteGradient.flatMap { index.rowByName[$0] }
        let trainStep = snapshot?.runner.trainStep ?? false
        self.trainStep = trainStep
        hasChildren = index.children.map { !$0.isEmpty }
        var hotness = [Double](repeating: 0, count: count)
        for row in 0..<count where entry[row] >= 0 {
            hotness[row] = selfP50[row] + (trainStep ? backwardSelfP50[row] : 0)
        }
        self.selfP50 = selfP50
        self.backwardSelfP50 = backwardSelfP50
        hotnessByRow = hotness
    }

    public func profile(_ row: Int) -> ModuleProfile? {
        guard entry.indices.contains(row), entry[row] >= 0 else { return nil }
        return modules[Int(entry[row])]
    }

    /// Whether the row has a profile in the snapshot.
    public func hasRun(_ row: Int) -> Bool { entry.indices.contains(row) && entry[row] >= 0 }

    /// Inclusive time per forward (window p50).
    public func inclusiveMs(_ row: Int) -> Double? { profile(row)?.inclusive.window.p50 }

    /// Self time per forward (window p50): time in the module's own code, outside every module call.
    public func selfMs(_ row: Int) -> Double? { profile(row)?.selfTime.window.p50 }

    /// Time a module with children spends outside all of them (functional code in its `forward`): its self
    /// time, for rows that have children.
    public func unaccountedMs(_ row: Int) -> Double? {
        hasChildren.indices.contains(row) && hasChildren[row] ? selfMs(row) : nil
    }

    /// The module's self time as a fraction of the whole forward: window mean self ÷ the root's window mean
    /// inclusive. Over the window the self times of all modules add up to the root's inclusive time, so the
    /// shares of all rows add up to 1.
    public func share(_ row: Int) -> Double? {
        guard let p = profile(row), forwardMeanMs > 0 else { return nil }
        return p.selfTime.window.mean / forwardMeanMs
    }

    /// What the hottest pane ranks by: self time p50, plus backward self time in train-step mode.
    public func hotness(_ row: Int) -> Double {
        hotnessByRow.indices.contains(row) ? hotnessByRow[row] : 0
    }

    /// Self time p50 for sorting: 0 for a row that has not run.
    public func selfSortKey(_ row: Int) -> Double { selfP50.indices.contains(row) ? selfP50[row] : 0 }

    /// Backward self time p50 for sorting: 0 for a row without a backward.
    public func backwardSortKey(_ row: Int) -> Double {
        backwardSelfP50.indices.contains(row) ? backwardSelfP50[row] : 0
    }

    /// The `limit` rows that have run with the largest `hotness`, hottest first (ties: tree order). One pass
    /// with a small sorted buffer, so a snapshot of a 100,000-module tree costs no full sort.
    public func hottestRows(limit: Int) -> [Int] {
        guard limit > 0 else { return [] }
        var top: [Int] = []
        top.reserveCapacity(limit + 1)
        func before(_ a: Int, _ b: Int) -> Bool {
            hotnessByRow[a] != hotnessByRow[b] ? hotnessByRow[a] > hotnessByRow[b] : a < b
        }
        for row in entry.indices where entry[row] >= 0 {
            if top.count == limit, let last = top.last, !before(row, last) { continue }
            var k = top.count
            while k > 0 && before(row, top[k - 1]) { k -= 1 }
            top.insert(row, at: k)
            if top.count > limit { top.removeLast() }
        }
        return top
    }

    /// The hottest pane's share: `share`, or in train-step mode forward + backward self over the whole step.
    public func hotShare(_ row: Int) -> Double? {
        guard trainStep else { return share(row) }
        guard let p = profile(row), stepMeanMs > 0 else { return nil }
        return (p.selfTime.window.mean + (p.backward?.selfTime.window.mean ?? 0)) / stepMeanMs
    }

    /// Backward time charged to the module and its submodules per pass (window p50).
    public func backwardMs(_ row: Int) -> Double? { profile(row)?.backward?.inclusive.window.p50 }
}
