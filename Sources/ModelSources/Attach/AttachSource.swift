import Foundation
import ModelView
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `nntop attach`: a running PyTorch process with `nntop_agent` attached, seen through the same view as a
/// local model. The agent sends the tree and snapshots in the view schema; commands go back as the closed set
/// of verbs of docs/schema.md, and their replies (applied at the process's next step) show in the status bar.
public final class AttachSource: ModelSource, @unchecked Sendable {
    /// The agent's `hello`.
    public typealias Hello = AgentHello
    private typealias Message = AgentMessage

    private struct State {
        var tree: ModelTree
        var latest: VersionedSnapshot?
        var notices: [CommandOutcome] = []
        var closed = false
    }

    public let hello: Hello
    public let target: String
    private let socket: AgentSocket
    private let state: Mutex<State>
    private let nextID = Mutex(0)
    private var reader: Thread?

    /// Connects to `target` — a pid, a socket path, or `HOST:PORT` (loopback TCP, with `token`) — and reads
    /// the agent's hello and tree (at most `timeout` seconds).
    public init(target: String, token: String? = nil, timeout: Double = 30) throws {
        self.target = target
        if let pid = Int32(target) {
            socket = try AgentSocket.unix(path: try AgentDirectory.socket(pid: pid))
        } else if let colon = target.lastIndex(of: ":"), let port = UInt16(target[target.index(after: colon)...]) {
            let host = String(target[..<colon])
            guard ["127.0.0.1", "localhost", ""].contains(host) else {
                throw AttachError("\(target): the agent listens on loopback only (127.0.0.1)")
            }
            socket = try AgentSocket.tcp(port: port, token: token ?? ProcessInfo.processInfo.environment["NNTOP_TOKEN"] ?? "")
        } else {
            socket = try AgentSocket.unix(path: target)
        }
        socket.setReceiveTimeout(seconds: timeout)
        var hello: Hello?
        var tree: ModelTree?
        while hello == nil || tree == nil {
            guard let line = try socket.readLine() else {
                throw AttachError("\(target): the agent closed the connection before sending its tree (another viewer attached?)")
            }
            let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any]
            switch object?["type"] as? String {
            case "hello": hello = try Self.decodeHello(line)
            case "tree": tree = try Self.decode(line).tree
            case "error": throw AttachError("\(target): the agent refused: \(object?["error"] as? String ?? "unknown error")")
            default: continue
            }
        }
        socket.setReceiveTimeout(seconds: 0)
        self.hello = hello!
        var shown = tree!
        if shown.source.isEmpty { shown.source = "attach:\(target)" }
        state = Mutex(State(tree: shown))
    }

    private static func decode(_ line: Data) throws -> Message {
        do { return try AgentMessage.decode(line) } catch { throw AttachError("\(error)") }
    }

    private static func decodeHello(_ line: Data) throws -> Hello {
        do { return try AgentHello.decode(line) } catch { throw AttachError("\(error)") }
    }

    public var tree: ModelTree { state.withLock { $0.tree } }

    public var capabilities: SourceCapabilities {
        SourceCapabilities(readOnlyReason: nil, canPause: true,
                           noTrainStepReason: "the attached process runs its own training steps; they show as they happen",
                           canExport: true)
    }

    public func latestSnapshot() -> VersionedSnapshot? { state.withLock { $0.latest } }

    /// Replies and connection news since the last call.
    public func drainNotices() -> [CommandOutcome] {
        state.withLock { current in
            defer { current.notices.removeAll() }
            return current.notices
        }
    }

    /// The first snapshot with a measured step, waiting at most `timeout` seconds (for `--json-once`).
    public func firstSnapshot(timeout: Double) -> ProfileSnapshot? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let latest = latestSnapshot(), latest.snapshot.runner.forwards > 0 { return latest.snapshot }
            if state.withLock({ $0.closed }) { return nil }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return nil
    }

    public func start() {
        let thread = Thread { [self] in readLoop() }
        thread.name = "nntop-attach"
        reader = thread
        thread.start()
    }

    public func stop() {
        // Closing the connection is what tells the agent to remove every hook.
        socket.shutdownBoth()
    }

    private func readLoop() {
        var reason = "the agent closed the connection (the process ended?)"
        do {
            while let line = try socket.readLine() {
                let message = try Self.decode(line)
                state.withLock { current in
                    switch message.type {
                    case "tree":
                        if let tree = message.tree { current.tree = tree }
                    case "snapshot":
                        if let snapshot = message.snapshot {
                            current.latest = VersionedSnapshot(version: (current.latest?.version ?? 0) + 1, snapshot: snapshot)
                        }
                    case "reply":
                        let ok = message.ok ?? false
                        let text = ok ? (message.message ?? "done") : (message.error ?? message.message ?? "refused")
                        current.notices.append(CommandOutcome("agent: \(text)", isError: !ok))
                    case "error":
                        current.notices.append(.refused("agent: \(message.error ?? "error")"))
                    default:
                        break
                    }
                }
            }
        } catch {
            reason = "\(error)"
        }
        state.withLock { current in
            current.closed = true
            current.notices.append(.refused(reason))
            if var snapshot = current.latest?.snapshot {
                snapshot.runner.state = .failed
                snapshot.runner.message = reason
                current.latest = VersionedSnapshot(version: (current.latest?.version ?? 0) + 1, snapshot: snapshot)
            }
        }
    }

    public func perform(_ command: SourceCommand) -> CommandOutcome {
        var arguments: [String: Any]
        switch command {
        case .setRequiresGrad(let ids, let value):
            let names = state.withLock { current in current.tree.parameters.filter { ids.contains($0.id) }.map(\.name) }
            // The view's own tree changes at once; the process follows at its next step.
            state.withLock { current in
                for k in current.tree.parameters.indices where ids.contains(current.tree.parameters[k].id) {
                    current.tree.parameters[k].requiresGrad = value
                }
            }
            arguments = ["verb": "set_requires_grad", "parameters": names, "value": value]
        case .setTraining(let value):
            arguments = ["verb": "set_training", "value": value]
        case .setPaused(let paused):
            arguments = ["verb": paused ? "pause" : "resume"]
        case .setTrainStep:
            return .refused("the attached process runs its own training steps; they show as they happen")
        case .export(let path):
            arguments = ["verb": "export"]
            if let path { arguments["path"] = path }
        }
        let id = nextID.withLock { value -> Int in
            value += 1
            return value
        }
        arguments["type"] = "command"
        arguments["schema_version"] = 1
        arguments["id"] = id
        do {
            try socket.send(arguments)
        } catch {
            return .refused("\(error)")
        }
        return CommandOutcome("sent \(arguments["verb"] ?? "") to pid \(hello.pid.map(String.init) ?? target); applied at its next step")
    }
}
