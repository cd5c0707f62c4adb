import ModelView

/// Measures frame rendering on a large synthetic model, for `nntop bench`; tests never assert timings.
public enum RenderBenchmark {
    /// Renders `frames` frames of a fully expanded `moduleCount`-row model, paging the selection down
    /// each frame (so scrolling is exercised too).
    /// - Returns: milliseconds per frame, including the reducer work of each page move.
    public static func run(
        moduleCount: Int = 10_000, frames: Int = 200, size: TerminalSize = TerminalSize(width: 160, height: 50)
    ) -> Double {
        let model = SyntheticModel.make(moduleCount: moduleCount)
        var state = AppState(model: model, size: size)
        _ = reduce(&state, .snapshot(SyntheticModel.profile(for: model)))
        _ = reduce(&state, .key(.char("*")))
        var buffer = ScreenBuffer(width: size.width, height: size.height)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<max(1, frames) {
                _ = reduce(&state, .key(.pageDown))
                render(state, into: &buffer, rect: buffer.bounds)
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds * 1000 / Double(max(1, frames))
    }
}
