import Foundation

/// Python's `warnings` module, reduced to what torch.nn emits: a category and a message. The handler is
/// task-local so a test (or the TUI) can capture warnings without affecting other threads.
public struct TorchWarning: Equatable, Sendable, CustomStringConvertible {
    public let category: String
    public let message: String
    public var description: String { "\(category): \(message)" }
}

public enum Warnings {
    /// Where warnings go in the current task; `nil` means standard error.
    @TaskLocal public static var handler: (@Sendable (TorchWarning) -> Void)?

    public static func warn(_ message: String, category: String = "UserWarning") {
        let warning = TorchWarning(category: category, message: message)
        if let handler { handler(warning) } else {
            FileHandle.standardError.write(Data("\(warning)\n".utf8))
        }
    }

    /// Runs `body` and returns the warnings it emitted, de-duplicated in emission order as Python's default
    /// filter shows them.
    public static func capture<T>(_ body: () throws -> T) rethrows -> (T, [TorchWarning]) {
        let box = WarningBox()
        let result = try $handler.withValue({ box.append($0) }, operation: body)
        return (result, box.warnings)
    }
}

private final class WarningBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [TorchWarning] = []
    func append(_ w: TorchWarning) {
        lock.lock(); defer { lock.unlock() }
        if !items.contains(w) { items.append(w) }
    }
    var warnings: [TorchWarning] { lock.lock(); defer { lock.unlock() }; return items }
}
