import Foundation
import ModelView
#if canImport(Glibc)
import Glibc
#endif

/// A connection to an `nntop_agent` (docs/schema.md, "Attach protocol"): JSON lines over a Unix socket in
/// the agent's private directory, or loopback TCP with the token the agent printed.
final class AgentSocket: @unchecked Sendable {
    private let fd: Int32
    var descriptor: Int32 { fd }
    /// Splits what the agent sends into lines of at most 64 MiB (shared with the fuzz target).
    private var framing = LineFraming()
    private let writeLock = NSLock()

    private init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    /// Connects to a Unix socket at `path`.
    static func unix(path: String) throws -> AgentSocket {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw AttachError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw AttachError("\(path): socket path too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw AttachError("\(path): cannot connect: \(reason)")
        }
        return AgentSocket(fd: fd)
    }

    /// Connects to `127.0.0.1:port` (the agent listens on loopback only) and authenticates with `token`.
    static func tcp(port: UInt16, token: String) throws -> AgentSocket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw AttachError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw AttachError("127.0.0.1:\(port): cannot connect: \(reason)")
        }
        let socket = AgentSocket(fd: fd)
        try socket.send(["schema_version": 1, "type": "auth", "token": token])
        return socket
    }

    /// Sends one JSON object as a line.
    func send(_ object: [String: Any]) throws {
        var data = try JSONSerialization.data(withJSONObject: object)
        data.append(0x0A)
        writeLock.lock()
        defer { writeLock.unlock() }
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw AttachError("the agent closed the connection") }
                offset += n
            }
        }
    }

    /// The next line (without its newline); `nil` when the agent closed the connection.
    func readLine() throws -> Data? {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            do {
                if let line = try framing.nextLine() { return line }
            } catch {
                throw AttachError("\(error)")
            }
            let n = read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            framing.append(chunk[0..<n])
        }
    }

    /// Ends the connection from our side (the reader thread then sees the end).
    func shutdownBoth() { shutdown(fd, Int32(SHUT_RDWR)) }
}

public struct AttachError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension AgentSocket {
    /// Reads block at most `seconds` (0: forever), so a silent peer cannot hang the first handshake.
    func setReceiveTimeout(seconds: Double) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }
}
