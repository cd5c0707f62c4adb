import ArgumentParser
import Foundation
import ModelSources
import ModelView

/// `nntop attach [PID | SOCKET | HOST:PORT]`: the view of a running PyTorch process that called
/// `nntop_agent.attach(model)`; without an argument, the agents on this machine.
struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach", abstract: "Attach to a running PyTorch process (nntop_agent) and show it live.")

    @Argument(help: "The process id, the agent's socket path, or 127.0.0.1:PORT (TCP, with --token). None: list the agents.")
    var target: String?
    @Option(help: "The token the agent printed, for a TCP connection (or NNTOP_TOKEN).") var token: String?
    @Flag(help: "Print the tree (the rows `summary --json` prints) and one profile snapshot as JSON, then exit.")
    var jsonOnce = false
    @Flag(help: "Attach to every rank of a torch.distributed job on this machine (the ranked agents started by the same launcher as PID; without PID, all of them): per-module slowest rank and skew.")
    var ranks = false
    @Option(help: "With --json-once: seconds to wait for the first snapshot.") var timeout = 60.0
    @Flag(help: "Do not capture the mouse.") var noMouse = false
    @Flag(help: "Monochrome (also when NO_COLOR is set).") var noColor = false
    @Flag(help: "ASCII instead of box drawing and block characters.") var ascii = false

    func run() throws {
        if ranks { return try runRanks() }
        guard let target else {
            let agents = AgentDirectory.list()
            if agents.isEmpty {
                print("no nntop agent on this machine (looked in \(AgentDirectory.directories().joined(separator: ", ")))")
            }
            for agent in agents {
                let rank = agent.rank.map { " rank \($0)" } ?? ""
                print("\(agent.pid)\(rank)\(agent.name.map { " \($0)" } ?? "")  \(agent.path)")
            }
            return
        }
        let source = try CLIError.wrap { try AttachSource(target: target, token: token) }
        if jsonOnce { return try printOnce(source) }
        if let problem = TerminalCheck.problem() {
            FileHandle.standardError.write(Data((problem + "\n").utf8))
            throw ExitCode(2)
        }
        try TopCommand.browse(source, options: .init(noMouse: noMouse, noColor: noColor, ascii: ascii))
    }

    /// `--ranks`: the agents that report a rank (of `target`'s job when a pid is given: all of them otherwise).
    private func runRanks() throws {
        let source = try CLIError.wrap {
            guard let target else { return try RanksSource(agents: AgentDirectory.job(of: nil)) }
            guard let pid = Int32(target) else { throw AttachError("--ranks takes a process id (one rank of the job), not \(target)") }
            return try RanksSource(agents: AgentDirectory.job(of: pid))
        }
        if jsonOnce {
            source.start()
            defer { source.stop() }
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline, source.rankSnapshots().contains(where: { ($0.snapshot?.runner.forwards ?? 0) == 0 }) {
                Thread.sleep(forTimeInterval: 0.05)
            }
            let perRank = source.rankSnapshots()
            guard perRank.allSatisfy({ ($0.snapshot?.runner.forwards ?? 0) > 0 }) else {
                throw CLIError.failure("not every rank sent a snapshot within \(Int(timeout)) s")
            }
            let tree = source.tree
            let modules: [[String: Any]] = tree.modules.map { module in
                let p50 = perRank.map { $0.snapshot?.module(named: module.name)?.inclusive.window.p50 ?? 0 }
                let slowest = zip(perRank.map(\.rank), p50).max { $0.1 < $1.1 }?.0 ?? 0
                return ["name": module.name, "class": module.className, "p50_ms": p50, "slowest_rank": slowest]
            }
            let skew = Skew(perRank.map { ($0.rank, $0.snapshot?.module(named: "")?.inclusive.window.p50 ?? 0) })
            let object: [String: Any] = [
                "schema_version": Session.schemaVersion,
                "ranks": source.ranks.map { ["rank": $0.rank, "pid": $0.source.hello.pid as Any, "world_size": $0.source.hello.worldSize as Any] },
                "skew": skew.fraction, "slowest_rank": skew.slowestRank, "modules": modules,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        if let problem = TerminalCheck.problem() {
            FileHandle.standardError.write(Data((problem + "\n").utf8))
            throw ExitCode(2)
        }
        try TopCommand.browse(source, options: .init(noMouse: noMouse, noColor: noColor, ascii: ascii))
    }

    /// `{"hello", "tree": [rows], "snapshot"}` on one line.
    private func printOnce(_ source: AttachSource) throws {
        source.start()
        defer { source.stop() }
        guard let snapshot = source.firstSnapshot(timeout: timeout) else {
            throw CLIError.failure("\(target ?? ""): no snapshot within \(Int(timeout)) s (does the model run? is it paused?)")
        }
        let tree = source.tree
        let encoder = ViewJSON.encoder()
        let rows = try ModuleRecord.records(tree, index: ModelIndex(tree)).map {
            try JSONSerialization.jsonObject(with: encoder.encode($0))
        }
        let object: [String: Any] = [
            "schema_version": Session.schemaVersion,
            "hello": ["pid": source.hello.pid as Any, "rank": source.hello.rank as Any, "name": source.hello.name as Any,
                      "world_size": source.hello.worldSize as Any, "device": source.hello.device as Any],
            "tree": rows,
            "model": try JSONSerialization.jsonObject(with: encoder.encode(tree)),
            "snapshot": try JSONSerialization.jsonObject(with: encoder.encode(snapshot)),
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
