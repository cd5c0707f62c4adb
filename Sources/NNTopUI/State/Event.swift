import ModelView

/// A key as the UI understands it; the terminal backend maps its codes onto these.
public enum Key: Sendable, Equatable, Hashable {
    /// A printable character; Space is `.char(" ")`.
    case char(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace
    /// F1...F12.
    case function(Int)
    case ctrlC
}

/// A mouse action at a screen cell.
public struct MouseEvent: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case click
        case wheelUp
        case wheelDown
    }

    public var x: Int
    public var y: Int
    public var action: Action

    public init(x: Int, y: Int, action: Action) {
        self.x = x
        self.y = y
        self.action = action
    }
}

/// Everything that can change the UI state.
public enum Event: Sendable, Equatable {
    case key(Key)
    case mouse(MouseEvent)
    /// The terminal now has this many columns and lines.
    case resize(width: Int, height: Int)
    /// A frame passed without input; ages the status message.
    case tick
    /// The profiler published new measurements.
    case snapshot(ProfileSnapshot)
    /// The source answered a command (an export's path, a refusal): shown in the status bar at once.
    case outcome(SourceCommand, CommandOutcome)
    /// News from the source on its own (a remote reply, a lost connection).
    case notice(CommandOutcome)
}

/// Work the reducer asks the app to do on the real model or runner; the reducer has already updated its
/// own state (counts change in the same frame), the app makes it true.
public enum Effect: Sendable, Equatable {
    case quit
    /// Write the current profile (the app chooses format and path).
    case export
    /// torch: `p.requires_grad_(value)` for each listed parameter id.
    case setRequiresGrad(paramIDs: [Int], Bool)
    /// torch: `model.train(value)`.
    case setTraining(Bool)
    /// Pause or resume the runner thread.
    case togglePause
    /// Run training steps (forward, backward, optimizer step) instead of plain forwards, or stop.
    case setTrainStep(Bool)
}
