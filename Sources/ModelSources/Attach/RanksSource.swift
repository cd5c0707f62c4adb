import Foundation
import ModelView

/// `nntop attach --ranks`: every rank of a `torch.distributed` job (one agent each) as one view. The tree is
/// rank 0's; each module shows the profile of its slowest rank, and the header says how far the ranks' whole
/// forwards are apart (skew) and which is slowest. Commands go to every rank, so a freeze stays consistent
/// across the job.
public final class RanksSource: ModelSource, @unchecked Sendable {
    public let ranks: [(rank: Int, source: AttachSource)]

    /// Connects to every agent of `agents` (sorted by rank).
    public init(agents: [AgentDirectory.Agent]) throws {
        guard !agents.isEmpty else { throw AttachError("no ranked nntop agent on this machine (is each rank calling nntop_agent.attach?)") }
        ranks = try agents.sorted { ($0.rank ?? 0) < ($1.rank ?? 0) }.map { (rank: $0.rank ?? 0, source: try AttachSource(target: $0.path)) }
    }

    public var tree: ModelTree { ranks[0].source.tree }
    public var capabilities: SourceCapabilities { ranks[0].source.capabilities }
    public func start() { ranks.forEach { $0.source.start() } }
    public func stop() { ranks.forEach { $0.source.stop() } }

    public func drainNotices() -> [CommandOutcome] {
        ranks.flatMap { rank in rank.source.drainNotices().map { CommandOutcome("rank \(rank.rank): \($0.message)", isError: $0.isError) } }
    }

    public func perform(_ command: SourceCommand) -> CommandOutcome {
        let outcomes = ranks.map { $0.source.perform(command) }
        return outcomes.first { $0.isError } ?? CommandOutcome("\(outcomes.first?.message ?? "") (all \(ranks.count) ranks)")
    }

    /// Each rank's newest snapshot (nil for ranks that sent none yet).
    public func rankSnapshots() -> [(rank: Int, snapshot: ProfileSnapshot?)] {
        ranks.map { ($0.rank, $0.source.latestSnapshot()?.snapshot) }
    }

    public func latestSnapshot() -> VersionedSnapshot? {
        let latest = ranks.map { $0.source.latestSnapshot() }
        let snapshots = latest.compactMap { $0?.snapshot }
        guard !snapshots.isEmpty else { return nil }
        let version = latest.reduce(0) { $0 + ($1?.version ?? 0) }
        return VersionedSnapshot(version: version, snapshot: Self.merge(ranks.map(\.rank), latest.map { $0?.snapshot }))
    }

    /// The slowest rank of each module (largest window p50 inclusive), and the job's skew in the runner line.
    static func merge(_ ranks: [Int], _ snapshots: [ProfileSnapshot?]) -> ProfileSnapshot {
        let present = zip(ranks, snapshots).compactMap { rank, snapshot in snapshot.map { (rank, $0) } }
        var merged = present[0].1
        var slowest: [String: ModuleProfile] = [:]
        var order: [String] = []
        for (_, snapshot) in present {
            for module in snapshot.modules {
                if let current = slowest[module.name] {
                    if module.inclusive.window.p50 > current.inclusive.window.p50 { slowest[module.name] = module }
                } else {
                    slowest[module.name] = module
                    order.append(module.name)
                }
            }
        }
        merged.modules = order.compactMap { slowest[$0] }
        merged.runner.forwards = present.map(\.1.runner.forwards).min() ?? 0
        merged.runner.runsPerSecond = present.map(\.1.runner.runsPerSecond).min() ?? 0
        merged.runner.dropped = present.map(\.1.runner.dropped).reduce(0, +)
        let skew = Skew(present.map { ($0.0, $0.1.modules.first { $0.name == "" }?.inclusive.window.p50 ?? 0) })
        merged.runner.message = "\(ranks.count) ranks · skew \(Format.percent(skew.fraction)) (slowest rank \(skew.slowestRank))"
        return merged
    }
}

/// How far apart the ranks' forwards are: (slowest − fastest) ÷ fastest of the root's window p50.
public struct Skew: Sendable, Equatable {
    public let fraction: Double
    public let slowestRank: Int

    public init(_ rootMs: [(rank: Int, ms: Double)]) {
        let slowest = rootMs.max { $0.ms < $1.ms }
        let fastest = rootMs.map(\.ms).min() ?? 0
        slowestRank = slowest?.rank ?? 0
        fraction = fastest > 0 ? ((slowest?.ms ?? 0) - fastest) / fastest : 0
    }
}
