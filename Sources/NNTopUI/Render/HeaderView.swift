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
        if state.readonly { right.insert(Segment("read-only", .warning), at: 0) }
        if let snapshot = state.snapshot {
            if let step = snapshot.trainStep {
                right.insert(Segment("train step", .warning), at: 0)
                if let loss = step.losses.last { right.append(Segment("loss " + Format.number(loss), .emphasis)) }
                right.append(Segment("bwd " + Format.duration(milliseconds: step.backwardMs)))
            }
            right += [Segment(runsPerSecond(snapshot.runsPerSecond) + (snapshot.trainStep == nil ? " runs/s" : " steps/s")),
                      runner(snapshot.runner)]
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
        return value >= 100 ? String(Int(value.rounded())) : Format.number(value)
    }

    private static func runner(_ state: RunnerState) -> Segment {
        switch state {
        case .running: return Segment("● running", .trainable)
        case .paused: return Segment("paused", .warning)
        case .failed: return Segment("✗ failed", .error)
        case .recorded: return Segment("recorded session", .warning)
        }
    }
}

/// One line under the header when something is wrong: a failed forward or the first NaN/Inf.
enum AlertLine {
    static func render(_ state: AppState, into buffer: inout ScreenBuffer, rect: Rect) {
        let rows = state.model.rows
        var text = ""
        var style = Style.error
        if let row = state.index.firstErrorRow, let error = rows[row].error {
            text = "✗ forward failed in \(displayName(state, row)) (\(rows[row].className)): \(error)"
        } else if case .failed(let message)? = state.snapshot?.runner {
            text = "✗ forward failed: \(message)"
        } else if let row = state.snapshot?.firstNonFiniteRow, rows.indices.contains(row) {
            text = "⚠ first NaN/Inf in \(displayName(state, row)) (\(rows[row].className)) · ! jumps there"
            style = .warning
        } else if let row = state.snapshot?.trainStep?.firstNonFiniteGradientRow, rows.indices.contains(row) {
            text = "⚠ NaN/Inf gradient in \(displayName(state, row)) (\(rows[row].className))"
            style = .warning
        }
        buffer.put(Format.truncate(text, to: rect.width), x: rect.x, y: rect.y, style: style, clip: rect)
    }

    /// The qualified name, or the model's name for the root.
    static func displayName(_ state: AppState, _ row: Int) -> String {
        let name = state.model.rows[row].name
        return name.isEmpty ? state.model.name : name
    }
}
