/// Every figure a view derives from a snapshot, computed once per snapshot so the tree, the detail pane,
/// the hottest pane, `summary`, `profile` and a reopened session print the same number for the same module.
public struct Figures: Sendable {
    /// The snapshot's entry for each tree row; `nil` for modules that have not run.
    public let profiles: [ModuleProfile?]
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

    public init(index: ModelIndex, snapshot: ProfileSnapshot?) {
        let count = index.parent.count
        var profiles = [ModuleProfile?](repeating: nil, count: count)
        for module in snapshot?.modules ?? [] {
            if let row = index.rowByName[module.name], row < count { profiles[row] = module }
        }
        var flops = profiles.map { $0?.flops }
        for i in stride(from: count - 1, through: 0, by: -1) {
            guard let p = index.parent[i], let f = flops[i] else { continue }
            flops[p] = (flops[p] ?? 0) + f
        }
        let root = index.roots.first.flatMap { profiles[$0] }
        self.profiles = profiles
        totalFlops = flops
        forwardMeanMs = root?.inclusive.window.mean ?? 0
        stepMeanMs = forwardMeanMs + (root?.backward?.inclusive.window.mean ?? 0)
        firstNonFiniteRow = snapshot?.firstNonFinite.flatMap { index.rowByName[$0] }
        failedRow = snapshot?.failedModule.flatMap { index.rowByName[$0] }
        firstNonFiniteGradientRow = snapshot?.firstNonFiniteGradient.flatMap { index.rowByName[$0] }
        trainStep = snapshot?.runner.trainStep ?? false
        hasChildren = index.children.map { !$0.isEmpty }
    }

    public func profile(_ row: Int) -> ModuleProfile? { profiles.indices.contains(row) ? profiles[row] : nil }

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
        guard let p = profile(row) else { return 0 }
        return p.selfTime.window.p50 + (trainStep ? p.backward?.selfTime.window.p50 ?? 0 : 0)
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
