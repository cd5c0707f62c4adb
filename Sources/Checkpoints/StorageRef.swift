/// Identifies one storage so that records sharing it (tied weights, views) can share memory: two
/// `StorageRef`s with equal `id` are the same bytes.
public struct StorageID: Sendable, Hashable, CustomStringConvertible {
    /// The file the storage lives in.
    public let file: String
    /// The storage's key inside the file (a torch storage key, or a safetensors tensor name).
    public let key: String

    public var description: String { "\(file)#\(key)" }
}

/// The bytes of a storage: a range of a memory-mapped file (no copy), or an owned buffer when the
/// container had to decompress it.
public struct StorageRef: Sendable, Hashable {
    public let id: StorageID
    /// Where the bytes live; kept alive by this reference.
    public let file: FileBytes
    /// The storage's bytes inside `file`. Always within `file.count` (checked on creation).
    public let byteRange: Range<Int>

    /// Fails (returns nil) when `byteRange` is not inside `file`, so a `StorageRef` always points to real bytes.
    init?(id: StorageID, file: FileBytes, byteRange: Range<Int>) {
        guard byteRange.lowerBound >= 0, byteRange.upperBound <= file.count else { return nil }
        self.id = id
        self.file = file
        self.byteRange = byteRange
    }

    public var byteCount: Int { byteRange.count }

    /// Calls `body` with the storage's bytes, without copying. The pointer is valid only inside `body`;
    /// keep the `StorageRef` (or its `file`) to keep the memory.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(file) { () throws(E) -> R in
            try body(UnsafeRawBufferPointer(rebasing: file.bytes[byteRange]))
        }
    }

    public static func == (lhs: StorageRef, rhs: StorageRef) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}
