import ModelView
import NNTopUI

/// The interactive loop: poll input with a short timeout, reduce, carry out effects on the model source,
/// pull its newest snapshot and redraw at a steady rate. It never waits on the model: snapshots are read,
/// not awaited, and a command's outcome (an export's path, a refusal) is shown at once.
enum TUIApp {
    /// Runs until the user quits (q, Ctrl-C, SIGTERM).
    /// - Parameters:
    ///   - initial: the starting state (tree, capabilities, color mode).
    ///   - terminal: where to draw and read input.
    ///   - source: the model the view shows.
    ///   - frameInterval: time between steady redraws (input redraws at once).
    /// - Returns: the final state, e.g. to write the chosen trainable set on exit.
    static func run(initial: AppState, terminal: some Terminal, source: any ModelSource,
                    frameInterval: Duration = .milliseconds(100)) -> AppState {
        var state = initial
        let clock = ContinuousClock()
        let start = terminal.size
        _ = reduce(&state, .resize(width: start.width, height: start.height))
        var lastTick = clock.now - frameInterval
        var needsDraw = true
        var seenVersion = 0
        var startup = StartupLog()
        var frameLog = FrameLog()
        /// Reduces `event` and carries out its effects; false when one of them is quit.
        func apply(_ event: Event) -> Bool {
            var effects = reduce(&state, event)
            while !effects.isEmpty {
                let effect = effects.removeFirst()
                guard let command = command(for: effect, state: state) else { return false }
                effects += reduce(&state, .outcome(command, source.perform(command)))
            }
            return true
        }
        loop: while true {
            if frameLog.isOn { frameLog.pass(now: StartupLog.now()) }
            if let event = terminal.nextEvent(timeout: .milliseconds(50)) {
                guard apply(event) else { break loop }
                needsDraw = true
            }
            // Held keys must not starve the steady schedule, so it has its own clock.
            if clock.now - lastTick >= frameInterval {
                for notice in source.drainNotices() { _ = reduce(&state, .notice(notice)) }
                if let latest = source.latestSnapshot(), latest.version != seenVersion {
                    seenVersion = latest.version
                    guard apply(.snapshot(latest.snapshot)) else { break loop }
                }
                _ = reduce(&state, .tick)
                lastTick = clock.now
                needsDraw = true
            }
            if needsDraw {
                let drawStart = frameLog.isOn ? StartupLog.now() : 0
                terminal.present(render(state))
                needsDraw = false
                if frameLog.isOn {
                    let now = StartupLog.now()
                    frameLog.frame(nanoseconds: now - drawStart)
                    frameLog.flushIfDue(now: now, snapshot: state.snapshot, rows: state.model.modules.count)
                }
                startup.mark("first_frame")
                if (state.snapshot?.runner.forwards ?? 0) > 0 { startup.mark("first_latency") }
            }
        }
        return state
    }

    /// The source command an effect asks for; `nil` for quit.
    static func command(for effect: Effect, state: AppState) -> SourceCommand? {
        switch effect {
        case .quit: return nil
        case .export: return .export(path: nil)
        case .setRequiresGrad(let ids, let value): return .setRequiresGrad(parameterIDs: ids, value)
        case .setTraining(let value): return .setTraining(value)
        case .togglePause: return .setPaused(state.snapshot?.runner.state != .paused)
        case .setTrainStep(let on): return .setTrainStep(on)
        }
    }
}
