import ModelView

/// The two header lines: what model this is and how it is running, then the parameter and memory meters
/// that change as soon as requires_grad is toggled.
enum HeaderView {
    static func render(_ state: AppState, into buffer: inout ScreenBuffer, rect: Rect) {
        guard rect.height > 0 else { return }
        let sep = Segment(" · ", .dim)
        let model = state.model
        let leftEnd = buffer.put(
            [Segment("nntop ", .title), Segment(model.name, .emphasis), Segment("  " + model.source, .dim)],
            x: rect.x, y: rect.y, rect: rect)
        var right: [Segment] = [Segment(model.training ? "train" : "eval", .emphasis)]
        if let reason = state.capabilities.readOnlyReason, !reason.isEmpty { right.insert(Segment("read-only", .warning), at: 0) }
        if let snapshot = state.snapshot {
            let runner = snapshot.runner
            if runner.shapesOnly {
                // Shape propagation is not the model's speed: no rate, no latencies.
                right.insert(Segment("meta: shapes only", .warning), at: 0)
            } else {
                if runner.trainStep {
                    right.insert(Segment("train step", .warning), at: 0)
                    if let loss = runner.losses.last { right.append(Segment("loss " + Format.number(loss), .emphasis)) }
                    if let ms = runner.lastBackwardMs { right.append(Segment("bwd " + Format.duration(milliseconds: ms))) }
                }
                if runner.state == .running {
                    // A source's own line while running (ranks and their skew for a distributed job).
                    if let message = runner.message { right.insert(Segment(message, .warning), at: 0) }
                    right.append(Segment(runsPerSecond(runner.runsPerSecond) + (runner.trainStep ? " steps/s" : " runs/s")))
                }
            }
            right.append(self.runner(runner))
        } else {
            right.append(Segment("waiting for profiler", .dim))
        }
        buffer.putRight(right, separator: sep, y: rect.y, rect: rect, minX: leftEnd + 1)

        guard rect.height > 1 else { return }
        let counts = state.accounting
        var meters: [Segment] = [
            Segment("params ", .dim), Segment(Format.count(counts.total), .emphasis),
            sep, Segment("trainable ", .dim), Segment(Format.count(counts.trainable), .trainable),
            sep, Segment("frozen ", .dim), Segment(Format.count(counts.frozen), .frozen),
            sep, Segment("train mem ", .dim), Segment("≈" + Format.bytes(counts.trainingMemoryBytes), .emphasis),
        ]
        for entry in counts.bytesByDtype {
            meters += [sep, Segment(Format.dtype(entry.dtype) + " ", .dim), Segment(Format.bytes(entry.bytes))]
        }
        buffer.put(meters, x: rect.x, y: rect.y + 1, rect: rect)
    }

    private static func runsPerSecond(_ value: Double) -> String {
        guard value.isFinite, value > 0 else { return "0" }
        return value >= 100 && value < 1e9 ? String(Int(value.rounded())) : Format.number(value)
    }

    private static func runner(_ status: RunnerStatus) -> Segment {
        switch status.state {
        case .loading: return Segment("loading " + (status.message ?? "…"), .warning)
        case .running: return Segment("● running", .trainable)
        case .paused: return Segment("paused", .warning)
        case .failed: return Segment("✗ failed", .error)
        case .finished: return Segment("finished", .dim)
        case .recorded: return Segment("recorded session", .warning)
        }
    }
}

/// One line under the header when something is wrong: a failed forward or the first NaN/Inf.
enum AlertLine {
    static func render(_ state: AppState, into buffer: inout ScreenBuffer, rect: Rect) {
        guard let (text, style) = alert(state) else { return }
        buffer.put(Format.truncate(text, to: rect.width), x: rect.x, y: rect.y, style: style, clip: rect)
    }

    /// The alert to show, if any.
    static func alert(_ state: AppState) -> (String, Style)? {
        let modules = state.model.modules
        let figures = state.figures
        if case .failed? = state.snapshot?.runner.state {
            let message = state.snapshot?.runner.message ?? "unknown error"
            if let row = figures.failedRow {
                return ("✗ forward failed in \(displayName(state, row)) (\(modules[row].className)): \(message)", .error)
            }
            return ("✗ forward failed: \(message)", .error)
        }
        if let row = figures.firstNonFiniteRow {
            return ("⚠ first NaN/Inf in \(displayName(state, row)) (\(modules[row].className)) · ! jumps there", .warning)
        }
        if let row = figures.firstNonFiniteGradientRow {
            return ("⚠ NaN/Inf gradient in \(displayName(state, row)) (\(modules[row].className))", .warning)
        }
        return nil
    }

    /// The qualified name, or the model's name for the root.
    static func displayName(_ state: AppState, _ row: Int) -> String {
        let name = state.model.modules[row].name
        return name.isEmpty ? state.model.name : name
    }
}
