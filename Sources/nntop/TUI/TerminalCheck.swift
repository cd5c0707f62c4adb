#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The interactive UI needs a terminal on both ends; piped or redirected runs get a pointer to the
/// plain-text report instead of escape codes.
enum TerminalCheck {
    /// `nil` when stdin and stdout are terminals; otherwise the message to print before exiting non-zero,
    /// naming the stream that is not one.
    static func problem(stdin: Bool = isatty(STDIN_FILENO) == 1, stdout: Bool = isatty(STDOUT_FILENO) == 1) -> String? {
        if stdin && stdout { return nil }
        let which = !stdout && !stdin ? "stdin and stdout are not terminals" : !stdout ? "stdout is not a terminal" : "stdin is not a terminal"
        return "nntop: the interactive view needs a terminal (\(which)).\n"
            + "Use `nntop summary MODEL` for a plain-text report that can be piped or saved."
    }
}
