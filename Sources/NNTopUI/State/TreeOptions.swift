import ModelView

/// What siblings are ordered by; every level is sorted separately and ties keep `named_modules` order.
public enum SortKey: String, Sendable, CaseIterable {
    /// `named_modules` (registration) order, the order the profiler's rows come in.
    case execution = "order"
    /// Self-time p50, largest first.
    case selfTime = "self time"
    /// Subtree parameter count, largest first.
    case params = "params"
    /// Backward self-time p50 (train-step mode), largest first.
    case backwardTime = "backward time"

    /// The next key of the cycle; backward time only takes part while training steps run.
    func next(trainStep: Bool) -> SortKey {
        let all = Self.allCases.filter { trainStep || $0 != .backwardTime }
        let i = all.firstIndex(of: self) ?? -1
        return all[(i + 1) % all.count]
    }
}

/// Which rows the tree shows; a row is kept when it matches every active criterion, and its ancestors are
/// kept so the hierarchy stays readable.
public struct TreeFilter: Sendable, Equatable {
    /// Case-insensitive substring of the class name (`Conv` keeps `Conv2d`, `ConvTranspose2d`).
    public var classSubstring: String = ""
    /// Regular expression searched in the qualified name (`layer[34]\.`).
    public var nameRegex: String = ""
    /// Keep only modules that own a parameter with `requires_grad=True`.
    public var trainableOnly: Bool = false

    public init(classSubstring: String = "", nameRegex: String = "", trainableOnly: Bool = false) {
        self.classSubstring = classSubstring
        self.nameRegex = nameRegex
        self.trainableOnly = trainableOnly
    }

    public var isActive: Bool { !classSubstring.isEmpty || !nameRegex.isEmpty || trainableOnly }
}

/// The field of the filter form that receives typing.
public enum FilterField: Sendable, Equatable, CaseIterable {
    case className, nameRegex, trainableOnly
}

/// A one-line input that currently captures the keyboard.
public enum Prompt: Sendable, Equatable {
    /// `/` search; `origin` is the selection to return to on Esc.
    case search(origin: Int)
    case filter(FilterField)
}

/// Panes that can take the keyboard focus (Tab cycles them).
public enum Pane: Sendable, Equatable, CaseIterable {
    case tree, detail, hottest
}

/// A transient message in the status bar.
public struct StatusMessage: Sendable, Equatable {
    public var text: String
    public var isError: Bool
    /// Ticks since it appeared; it disappears after `StatusMessage.lifetime`.
    var age: Int = 0

    static let lifetime = 40
}

/// One reversible `requires_grad` edit: the previous value of every parameter it changed.
struct RequiresGradEdit: Sendable, Equatable {
    /// Parameter id → `requires_grad` before the edit.
    var previous: [Int: Bool]
}
