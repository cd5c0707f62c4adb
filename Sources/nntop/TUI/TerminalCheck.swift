#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The interactive UI needs a terminal on both ends; piped or redirected runs get a pointer to the
/// plain-text report instead of escape codes.
enum TerminalCheck {
    /// `nil` when stdin and stdout are terminals; otherwise the message to print before exiting non-zero.
    static func problem() -> String? {
        if isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1 { return nil }
        return "nntop: the interactive view needs a terminal (stdout is not a TTY).\n"
            + "Use `nntop summary MODEL` for a plain-text report that can be piped or saved."
    }
}
