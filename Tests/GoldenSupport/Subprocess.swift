import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program for the command-line and end-to-end tests with `posix_spawn` and `waitpid`, reading its
/// output through `poll`. Foundation's `Process.waitUntilExit` was seen to miss a child's exit here and
/// hang a test run forever; this waits on the pid itself and gives up (killing the child) after `timeout`.
public enum Subprocess {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// - Parameter captureOutput: false sends the output to /dev/null — required for commands that leave a
    ///   daemon behind (`tmux new-session`), which would otherwise hold the pipe open forever.
    public static func run(_ executable: String, _ arguments: [String], captureOutput: Bool = true,
                           timeout: Double = 120) throws -> Result {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        if captureOutput {
            guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw Failure(description: "pipe failed") }
            posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
            posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
            for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, executable, &actions, nil, argv, environ)
        if captureOutput {
            close(outPipe[1])
            close(errPipe[1])
        }
        guard spawned == 0 else {
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        let deadline = Date().addingTimeInterval(timeout)
        var out = Data(), err = Data()
        if captureOutput {
            var open = [outPipe[0], errPipe[0]]
            var buffer = [UInt8](repeating: 0, count: 65536)
            while !open.isEmpty && Date() < deadline {
                var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
                guard poll(&fds, nfds_t(fds.count), 200) >= 0 else { break }
                for entry in fds where entry.revents != 0 {
                    let n = read(entry.fd, &buffer, buffer.count)
                    if n > 0 {
                        if entry.fd == outPipe[0] { out.append(buffer, count: n) } else { err.append(buffer, count: n) }
                    } else {
                        close(entry.fd)
                        open.removeAll { $0 == entry.fd }
                    }
                }
            }
            open.forEach { close($0) }
        }
        var status: Int32 = 0
        while true {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { break }
            if done < 0 { throw Failure(description: "waitpid failed for \(executable)") }
            if Date() >= deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                throw Failure(description: "\(executable) \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s")
            }
            usleep(10_000)
        }
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exitCode, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}
