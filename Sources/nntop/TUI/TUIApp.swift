import NNTopUI

/// The interactive loop: poll input with a short timeout, reduce, carry out effects, pull profiler
/// snapshots and redraw at a steady rate. It never waits on the model: snapshots are read, not awaited.
enum TUIApp {
    /// Runs until the user quits (q, Ctrl-C, SIGTERM).
    /// - Parameters:
    ///   - initial: the starting state (model, flags, color mode).
    ///   - terminal: where to draw and read input.
    ///   - snapshots: the newest profiler snapshot, or `nil` when there is none since the last call.
    ///   - perform: carries out an effect on the real model or runner; returns the model's new description
    ///     when the effect changed it (e.g. lazy parameters materialized), else `nil`.
    ///   - frameInterval: time between steady redraws (input redraws at once).
    /// - Returns: the final state, e.g. to write the chosen trainable set on exit.
    static func run(
        initial: AppState, terminal: some Terminal, snapshots: () -> ProfileSnapshot?,
        perform: (Effect) -> ModelInfo?, frameInterval: Duration = .milliseconds(100)
    ) -> AppState {
        var state = initial
        let clock = ContinuousClock()
        let start = terminal.size
        _ = reduce(&state, .resize(width: start.width, height: start.height))
        var lastTick = clock.now - frameInterval
        var needsDraw = true
        /// Reduces `event` and carries out its effects; false when one of them is quit.
        func apply(_ event: Event) -> Bool {
            for effect in reduce(&state, event) {
                if effect == .quit { return false }
                if let model = perform(effect) { state.replaceModel(model) }
            }
            return true
        }
        loop: while true {
            if let event = terminal.nextEvent(timeout: .milliseconds(50)) {
                guard apply(event) else { break loop }
                needsDraw = true
            }
            // Held keys must not starve the steady schedule, so it has its own clock.
            if clock.now - lastTick >= frameInterval {
                if let snapshot = snapshots() { guard apply(.snapshot(snapshot)) else { break loop } }
                _ = reduce(&state, .tick)
                lastTick = clock.now
                needsDraw = true
            }
            if needsDraw {
                terminal.present(render(state))
                needsDraw = false
            }
        }
        return state
    }
}
