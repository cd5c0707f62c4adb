/// `torch.save(..., _use_new_zipfile_serialization=False)`: five pickles back to back (magic number,
/// protocol version, system info, the object, the sorted storage keys), then each storage as an int64
/// little-endian element count followed by its bytes, in key-list order.
enum LegacyTorchFile {
    /// `0x1950a86a20f9469cfc6c` as pickle's little-endian LONG1 bytes.
    private static let magicNumber: PickleValue = .bigInt([0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19])
    private static let protocolVersion = 1001

    static func load(_ file: FileBytes, limits: PickleMachine.Limits) throws(CheckpointError) -> TorchCheckpoint {
        let bytes = file.bytes
        func broken(_ problem: String) -> CheckpointError {
            CheckpointError(file: file.path, kind: .malformedArchive, message: "legacy torch file: \(problem)")
        }
        // The first pickle runs under the same allowlist, so a bare malicious pickle is refused right here.
        let magic = try PickleMachine.run(bytes, file: file.path, source: "pickle #0", limits: limits)
        guard magic.value == magicNumber else {
            throw broken("not a torch checkpoint (no zip header, and the first pickle is not torch's magic number)")
        }
        let version = try PickleMachine.run(bytes, from: magic.end, file: file.path, source: "pickle #1", limits: limits)
        guard version.value == .int(protocolVersion) else { throw broken("unsupported protocol version \(version.value)") }
        let system = try PickleMachine.run(bytes, from: version.end, file: file.path, source: "pickle #2", limits: limits)
        guard case .dict(let info) = system.value, info["little_endian"] == .bool(true) else {
            throw CheckpointError(
                file: file.path, kind: .unsupported, message: "legacy torch file was not written on a little-endian machine")
        }
        let main = try PickleMachine.run(bytes, from: system.end, file: file.path, source: "pickle #3", limits: limits)
        let keyList = try PickleMachine.run(bytes, from: main.end, file: file.path, source: "pickle #4", limits: limits)
        guard case .list(let keyValues) = keyList.value else { throw broken("storage key list is not a list") }

        var ranges: [String: Range<Int>] = [:]
        var cursor = keyList.end
        for keyValue in keyValues {
            guard case .string(let key) = keyValue, let storage = main.storages[key] else {
                throw broken("storage key \(keyValue) was not declared by the object")
            }
            guard cursor <= bytes.count - 8 else { throw broken("storage \(key) is truncated") }
            let count = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: cursor, as: Int64.self))
            guard count == Int64(storage.elementCount) else {
                throw broken("storage \(key) holds \(count) elements, the object declared \(storage.elementCount)")
            }
            cursor += 8
            guard storage.byteCount <= bytes.count - cursor else { throw broken("storage \(key) is truncated") }
            ranges[key] = cursor..<cursor + storage.byteCount
            cursor += storage.byteCount
        }
        return try TorchCheckpoint(file: file, format: .legacy, root: main.value) { storage throws(CheckpointError) in
            guard let range = ranges[storage.key],
                let reference = StorageRef(id: StorageID(file: file.path, key: storage.key), file: file, byteRange: range)
            else {
                throw CheckpointError(file: file.path, kind: .notFound, message: "storage \(storage.key) is not in the file")
            }
            return reference
        }
    }
}
