import Foundation

/// Locates the goldens (reference data recorded from real PyTorch): the repository's own copy in
/// `Tests/Goldens`, so a plain clone tests anywhere. `NNTOP_GOLDENS` overrides the location.
public enum Goldens {
    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public var description: String {
            "PyTorch goldens not found at \(path): refresh Tests/Goldens with scripts/sync-goldens or set NNTOP_GOLDENS"
        }
    }

    /// The repository root, derived from this file's location (Tests/GoldenSupport/Goldens.swift).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var root: URL {
        if let env = ProcessInfo.processInfo.environment["NNTOP_GOLDENS"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return repositoryRoot.appendingPathComponent("Tests/Goldens")
    }

    /// A file below the goldens root; throws `Missing` when it is not there.
    public static func url(_ relativePath: String) throws -> URL {
        let url = root.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else { throw Missing(path: url.path) }
        return url
    }

    public static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: url(relativePath))
    }

    public static func text(_ relativePath: String) throws -> String {
        String(decoding: try data(relativePath), as: UTF8.self)
    }

    public static func json(_ relativePath: String) throws -> Any {
        try JSONSerialization.jsonObject(with: data(relativePath), options: [.fragmentsAllowed])
    }

    /// One JSON object per line (the `.jsonl` files).
    public static func jsonLines(_ relativePath: String) throws -> [[String: Any]] {
        try text(relativePath).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
    }
}
