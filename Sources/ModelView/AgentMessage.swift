import Foundation

/// One line of the attach protocol (docs/schema.md): what an agent sends to a viewer. Decoding validates the
/// tree and snapshot it carries, so a buggy or hostile agent is refused with a message instead of reaching
/// code that indexes by its numbers.
public struct AgentMessage: Decodable, Sendable {
    public let type: String
    public let tree: ModelTree?
    public let snapshot: ProfileSnapshot?
    public let ok: Bool?
    public let message: String?
    public let error: String?

    /// Decodes and validates one line (without its newline).
    public static func decode(_ line: Data) throws -> AgentMessage {
        let message: AgentMessage
        do { message = try ViewJSON.decoder().decode(AgentMessage.self, from: line) } catch {
            throw ViewJSON.Failure("malformed message from the agent: \(ViewJSON.describe(error))")
        }
        do {
            try message.tree?.validate()
            try message.snapshot?.validate()
        } catch let failure as ViewJSON.Failure {
            throw ViewJSON.Failure("malformed message from the agent: \(failure.description)")
        }
        return message
    }
}

/// The agent's `hello`, its first line.
public struct AgentHello: Decodable, Sendable, Equatable {
    public let pid: Int?
    public let name: String?
    public let rank: Int?
    public let worldSize: Int?
    public let torchVersion: String?
    public let device: String?
    public let allowMode: Bool?

    enum CodingKeys: String, CodingKey {
        case pid, name, rank, worldSize = "world_size", torchVersion = "torch_version", device, allowMode = "allow_mode"
    }

    public static func decode(_ line: Data) throws -> AgentHello {
        do { return try ViewJSON.decoder().decode(AgentHello.self, from: line) } catch {
            throw ViewJSON.Failure("malformed hello from the agent: \(ViewJSON.describe(error))")
        }
    }
}

/// The protocol's framing: JSON objects separated by newlines, none longer than `maxLine` bytes. Pure (no
/// file descriptor), so the socket reader and the fuzz target split bytes the same way.
public struct LineFraming: Sendable {
    public static let defaultMaxLine = 64 << 20
    public let maxLine: Int
    private var buffer: [UInt8] = []
    /// Where the next search for a newline starts, so a long line arriving in chunks is scanned once.
    private var scanned = 0

    public init(maxLine: Int = defaultMaxLine) { self.maxLine = maxLine }

    public mutating func append(_ bytes: some Sequence<UInt8>) { buffer.append(contentsOf: bytes) }

    /// The next complete line, `nil` when none is complete yet; throws when a line exceeds `maxLine`.
    public mutating func nextLine() throws -> Data? {
        if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
            guard newline <= maxLine else { throw ViewJSON.Failure(Self.tooLong(maxLine)) }
            let line = Data(buffer[..<newline])
            buffer.removeSubrange(...newline)
            scanned = 0
            return line
        }
        scanned = buffer.count
        guard buffer.count <= maxLine else { throw ViewJSON.Failure(Self.tooLong(maxLine)) }
        return nil
    }

    private static func tooLong(_ limit: Int) -> String {
        limit >= 1 << 20 ? "a line from the agent is longer than \(limit >> 20) MiB" : "a line from the agent is longer than \(limit) bytes"
    }
}
