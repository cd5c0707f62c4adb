import NNTopUI
import Profiler

/// Converts the runner's snapshots into the UI's `ProfileSnapshot`, keeping a short history of each
/// module's output mean for the detail pane; only a snapshot with new forward passes is passed on.
struct SnapshotAdapter {
    private var lastRuns = -1
    private var lastState: ProfileRunner.State?
    private var meanHistory: [Int: [Double]] = [:]
    let historyLength = 64

    mutating func next(_ snapshot: ProfileRunner.Snapshot?) -> ProfileSnapshot? {
        guard let snapshot, snapshot.runs != lastRuns || snapshot.state != lastState else { return nil }
        lastRuns = snapshot.runs
        lastState = snapshot.state
        let report = snapshot.report
        let total = max(report.rows.first?.inclusiveTime.p50 ?? 0, 1e-9)
        var rows: [RowProfile?] = []
        for (i, row) in report.rows.enumerated() {
            guard row.calls > 0 else {
                rows.append(nil)
                continue
            }
            let activation = row.outputs.first.map {
                ActivationStats(mean: $0.mean, std: $0.std, min: $0.min, max: $0.max, zeroFraction: $0.zeroFraction,
                                nanCount: $0.nanCount, infCount: $0.infCount)
            }
            if let mean = activation?.mean {
                var h = meanHistory[i, default: []]
                h.append(mean)
                if h.count > historyLength { h.removeFirst(h.count - historyLength) }
                meanHistory[i] = h
            }
            rows.append(RowProfile(
                calls: row.calls, selfTime: latency(row.recentSelfTime), inclusive: latency(row.recentInclusiveTime),
                share: row.recentSelfTime.p50 / total, history: row.history, activation: activation,
                activationHistory: meanHistory[i] ?? [],
                backward: row.backward.map {
                    BackwardProfile(selfTime: latency($0.recentSelfTime), inclusive: latency($0.recentInclusiveTime))
                },
                gradient: row.gradient.map {
                    GradientStats(norm: $0.norm, mean: $0.mean, maxAbs: $0.maxAbs, nanCount: $0.nanCount, infCount: $0.infCount)
                }))
        }
        let state: RunnerState
        switch snapshot.state {
        case .paused: state = .paused
        case .failed(let message): state = .failed(message)
        default: state = .running
        }
        let firstNonFinite = report.firstNonFinite.flatMap { name in report.rows.firstIndex { $0.name == name } }
        let trainStep = snapshot.trainStep ? TrainStepStatus(
            losses: snapshot.losses, backwardMs: report.lastBackwardMs,
            firstNonFiniteGradientRow: report.firstNonFiniteGradient.flatMap { name in report.rows.firstIndex { $0.name == name } })
            : nil
        return ProfileSnapshot(rows: rows, runsPerSecond: snapshot.runsPerSecond, runner: state, firstNonFiniteRow: firstNonFinite,
                               trainStep: trainStep, trainStepError: snapshot.trainStepError)
    }

    private func latency(_ p: LatencyPercentiles) -> LatencyStats {
        LatencyStats(p50: p.p50, p90: p.p90, p99: p.p99, max: p.max)
    }
}
