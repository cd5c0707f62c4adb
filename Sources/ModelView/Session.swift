import Foundation

/// A recorded profile that reopens without the model (`nntop FILE.json`): the tree and the last snapshot,
/// exactly as the live view had them.
public struct Session: Codable, Sendable, Equatable {
    public static let format = "nntop-session"
    public static let schemaVersion = 1

    public var format: String
    public var schemaVersion: Int
    public var tree: ModelTree
    public var snapshot: ProfileSnapshot?

    enum CodingKeys: String, CodingKey {
        case format, schemaVersion = "schema_version", tree, snapshot
    }

    public init(tree: ModelTree, snapshot: ProfileSnapshot?) {
        format = Self.format
        schemaVersion = Self.schemaVersion
        self.tree = tree
        self.snapshot = snapshot
    }

    /// The file's text: one JSON object and a newline.
    public func encoded() throws -> Data {
        var data = try ViewJSON.encoder().encode(self)
        data.append(0x0A)
        return data
    }

    /// Reads a session, saying what is wrong when the data is not one (another format, another schema
    /// version, a field of the wrong type).
    public static func decode(_ data: Data) throws -> Session {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ViewJSON.Failure("not a JSON object, so not an nntop session file")
        }
        guard object["format"] as? String == format else {
            throw ViewJSON.Failure("not an nntop session file (expected \"format\": \"\(format)\"; export one with `e` in the view or `nntop profile MODEL --json FILE`)")
        }
        let version = object["schema_version"] as? Int
        guard version == schemaVersion else {
            throw ViewJSON.Failure("session schema version \(version.map(String.init) ?? "missing") is not supported (this nntop reads version \(schemaVersion))")
        }
        let session: Session
        do { session = try ViewJSON.decoder().decode(Session.self, from: data) } catch {
            throw ViewJSON.Failure("malformed session file: \(ViewJSON.describe(error))")
        }
        do {
            try session.tree.validate()
            try session.snapshot?.validate()
        } catch {
            throw ViewJSON.Failure("malformed session file: \(error.description)")
        }
        return session
    }
}

/// The JSON conventions of docs/schema.md: non-finite numbers as the strings `"NaN"`, `"Infinity"`,
/// `"-Infinity"`.
public enum ViewJSON {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }

    /// One line naming the field a decoding error is about.
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field '\(key.stringValue)' at '\(path(context))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription) at '\(path(context))'"
        @unknown default: return "\(error)"
        }
    }
}
