import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The agents on this machine: sockets named `nntop-<pid>[-r<rank>][-<name>].sock` in the private
/// directories of docs/schema.md whose process is alive.
public enum AgentDirectory {
    public struct Agent: Sendable, Equatable {
        public let path: String
        public let pid: Int32
        public let rank: Int?
        public let name: String?
    }

    /// `$XDG_RUNTIME_DIR/nntop` (when set), then `/tmp/nntop-<uid>`.
    public static func directories(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var dirs: [String] = []
        if let xdg = environment["XDG_RUNTIME_DIR"], !xdg.isEmpty { dirs.append(xdg + "/nntop") }
        dirs.append("/tmp/nntop-\(getuid())")
        return dirs
    }

    public static func list() -> [Agent] {
        var agents: [Agent] = []
        for dir in directories() {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            for file in names.sorted() {
                guard let match = file.wholeMatch(of: /nntop-(\d+)(?:-r(\d+))?(?:-([A-Za-z0-9_.]+))?\.sock/),
                      let pid = Int32(match.1) else { continue }
                // kill(pid, 0): the process exists (EPERM: it exists but is not ours).
                guard kill(pid, 0) == 0 || errno == EPERM else { continue }
                agents.append(Agent(path: dir + "/" + file, pid: pid, rank: match.2.flatMap { Int($0) }, name: match.3.map(String.init)))
            }
        }
        return agents
    }

    /// The ranked agents of one `torch.distributed` job on this machine. With `pid`: the ranks started by
    /// the same launcher (`torchrun`'s elastic agent or `mp.spawn`'s parent) as `pid`, so a second job's ranks
    /// never mix in. Without: every ranked agent, which must be one job (no rank twice).
    public static func job(of pid: Int32?) throws -> [Agent] {
        let ranked = list().filter { $0.rank != nil }
        guard let pid else {
            let byRank = Dictionary(grouping: ranked) { $0.rank! }
            if let (rank, twice) = byRank.first(where: { $0.value.count > 1 }) {
                throw AttachError("rank \(rank) is reported by pids \(twice.map { String($0.pid) }.joined(separator: ", ")): more than one job is running; name one of its pids (nntop attach PID --ranks)")
            }
            return ranked
        }
        guard ranked.contains(where: { $0.pid == pid }) else {
            throw AttachError("no ranked nntop agent for pid \(pid) in \(directories().joined(separator: ", ")) (is each rank calling nntop_agent.attach?)")
        }
        guard let launcher = parent(of: pid) else { return ranked.filter { $0.pid == pid } }
        return ranked.filter { $0.pid == pid || parent(of: $0.pid) == launcher }
    }

    /// The parent process of `pid` (field 4 of /proc/PID/stat, after the parenthesized command name).
    static func parent(of pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }

    /// The socket of `pid` (its only agent, or the one of `rank`).
    public static func socket(pid: Int32, rank: Int? = nil) throws -> String {
        let found = list().filter { $0.pid == pid && (rank == nil || $0.rank == rank) }
        guard let first = found.first else {
            throw AttachError("no nntop agent for pid \(pid) in \(directories().joined(separator: ", ")) (is `nntop_agent.attach(model)` in the script?)")
        }
        guard found.count == 1 else {
            throw AttachError("pid \(pid) has \(found.count) agents: \(found.map(\.path).joined(separator: ", "))")
        }
        return first.path
    }
}
