/// A screen that takes frames and gives events: ncursesw in the app, a fake in tests.
public protocol Terminal: AnyObject {
    /// Current columns and lines.
    var size: TerminalSize { get }
    /// The next key, mouse or resize event, waiting at most `timeout`; `nil` when none arrived.
    func nextEvent(timeout: Duration) -> Event?
    /// Shows `buffer`; implementations redraw only the cells that changed since the last frame.
    func present(_ buffer: ScreenBuffer)
}
