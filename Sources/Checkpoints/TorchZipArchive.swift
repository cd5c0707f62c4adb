/// `torch.save`'s default format: a zip whose single top folder holds `data.pkl`, `data/<key>` storages
/// (raw little-endian, stored uncompressed), `byteorder` and `version`.
enum TorchZipArchive {
    static func load(_ file: FileBytes, limits: PickleMachine.Limits, recordsObjects: Bool = false)
        throws(CheckpointError) -> TorchCheckpoint
    {
        let directory = try ZipDirectory(file)
        // torch takes the archive name from the first entry's top folder.
        guard let first = directory.entries.first, let slash = first.name.firstIndex(of: "/") else {
            throw CheckpointError(file: file.path, kind: .malformedArchive, message: "zip archive is not a torch.save archive")
        }
        let prefix = String(first.name[..<slash]) + "/"
        func contents(_ name: String) throws(CheckpointError) -> (file: FileBytes, range: Range<Int>)? {
            guard let entry = directory.entry(named: prefix + name) else { return nil }
            return try directory.contents(of: entry)
        }
        if let byteorder = try contents("byteorder") {
            let text = String(decoding: byteorder.file.bytes[byteorder.range], as: UTF8.self)
            guard text == "little" else {
                throw CheckpointError(file: file.path, kind: .unsupported, message: "byte order `\(text)` is not supported")
            }
        }
        guard let pickle = try contents("data.pkl") else {
            throw CheckpointError(file: file.path, kind: .malformedArchive, message: "zip archive has no \(prefix)data.pkl")
        }
        let result = try withExtendedLifetime(pickle.file) { () throws(CheckpointError) -> PickleMachine.Result in
            try PickleMachine.run(
                UnsafeRawBufferPointer(rebasing: pickle.file.bytes[pickle.range]), file: file.path,
                source: "\(prefix)data.pkl", limits: limits, recordsObjects: recordsObjects)
        }
        return try TorchCheckpoint(file: file, format: .zip, root: result.value) { storage throws(CheckpointError) in
            let name = "data/\(storage.key)"
            guard let data = try contents(name) else {
                throw CheckpointError(file: file.path, kind: .notFound, message: "storage entry \(prefix)\(name) is missing")
            }
            guard data.range.count >= storage.byteCount,
                let reference = StorageRef(
                    id: StorageID(file: file.path, key: storage.key), file: data.file,
                    byteRange: data.range.lowerBound..<data.range.lowerBound + storage.byteCount)
            else {
                throw CheckpointError(
                    file: file.path, kind: .malformedArchive,
                    message: "storage \(prefix)\(name) has \(data.range.count) bytes, \(storage.byteCount) expected")
            }
            return reference
        }
    }
}
