import Foundation

/// A `torch.export.save` archive (`.pt2`): `<name>/models/<model>.json` (the serialized ExportedProgram),
/// raw storages under `data/weights/` and `data/constants/` described by their `*_config.json`, and the
/// example inputs as a nested `torch.save` zip (`data/sample_inputs/<model>.pt`, read weights-only).
/// Reading it never runs anything.
public struct ExportedProgramArchive: Sendable {
    /// A parameter, buffer or constant tensor stored in the archive.
    public struct StoredTensor: Sendable {
        /// Its qualified name (`blocks.0.conv.weight`).
        public let name: String
        public let record: TensorRecord
        public let isParameter: Bool
        public let requiresGrad: Bool
    }

    public let file: FileBytes
    public let program: ExportedProgram
    /// Parameters and buffers with their qualified names, sorted by name; tied names share a storage.
    public let weights: [StoredTensor]
    public let constants: [StoredTensor]
    /// The example inputs by the forward's argument names, when the archive has them.
    public let sampleInputs: [(name: String, record: TensorRecord)]?

    /// Whether `url` is a zip whose top folder holds `models/*.json` (what `torch.export.save` writes).
    public static func isExportedArchive(_ url: URL) -> Bool {
        guard let bytes = try? FileBytes(contentsOf: url), ZipDirectory.isZip(bytes.bytes),
            let directory = try? ZipDirectory(bytes)
        else { return false }
        return modelEntry(in: directory) != nil
    }

    private static func modelEntry(in directory: ZipDirectory) -> (prefix: String, entry: ZipDirectory.Entry)? {
        for entry in directory.entries {
            let parts = entry.name.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 3, parts[1] == "models", parts[2].hasSuffix(".json") { return ("\(parts[0])/", entry) }
        }
        return nil
    }

    public init(contentsOf url: URL) throws(CheckpointError) {
        let file = try FileBytes(contentsOf: url)
        let directory = try ZipDirectory(file)
        guard let (prefix, modelEntry) = Self.modelEntry(in: directory) else {
            throw CheckpointError(file: file.path, kind: .malformedArchive, message: "zip archive has no models/*.json: not a .pt2 archive")
        }
        let model = String(modelEntry.name.split(separator: "/").last?.dropLast(".json".count) ?? "model")
        func json(_ name: String) throws(CheckpointError) -> Any? {
            guard let entry = directory.entry(named: prefix + name) else { return nil }
            let (bytes, range) = try directory.contents(of: entry)
            do {
                let data = withExtendedLifetime(bytes) { Data(bytes.bytes[range]) }
                return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as Any?
            } catch {
                throw CheckpointError(file: file.path, kind: .malformedArchive, message: "\(prefix)\(name) is not valid JSON: \(error)")
            }
        }
        guard let programJSON = try json("models/\(model).json") else {
            throw CheckpointError(file: file.path, kind: .notFound, message: "\(modelEntry.name) is missing")
        }
        self.file = file
        program = try ExportedProgramJSON(file: file.path, source: modelEntry.name).program(programJSON)
        weights = try Self.storedTensors(
            config: try json("data/weights/\(model)_weights_config.json"), folder: "data/weights/", prefix: prefix,
            directory: directory, source: "\(prefix)data/weights/\(model)_weights_config.json")
        constants = try Self.storedTensors(
            config: try json("data/constants/\(model)_constants_config.json"), folder: "data/constants/", prefix: prefix,
            directory: directory, source: "\(prefix)data/constants/\(model)_constants_config.json")
        sampleInputs = try Self.sampleInputs(directory.entry(named: "\(prefix)data/sample_inputs/\(model).pt"), directory)
    }

    /// The program of a `models/<name>.json` entry read on its own (the fuzz target reads the JSON without
    /// an archive around it); `file` names it in errors.
    public static func program(json data: Data, file: String) throws(CheckpointError) -> ExportedProgram {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw CheckpointError(file: file, kind: .malformedArchive, message: "not valid JSON: \(error)")
        }
        return try ExportedProgramJSON(file: file, source: file).program(root)
    }

    /// `{"config": {name: {path_name, is_param, use_pickle, tensor_meta}}}`: each tensor a view of one raw storage file.
    private static func storedTensors(
        config: Any?, folder: String, prefix: String, directory: ZipDirectory, source: String
    ) throws(CheckpointError) -> [StoredTensor] {
        guard let config else { return [] }
        let json = ExportedProgramJSON(file: directory.file.path, source: source)
        let entries = try json.object(try json.object(config, "the config")["config"], "config")
        var storages: [String: StorageRef] = [:]
        var result: [StoredTensor] = []
        // By name: JSONSerialization does not keep member order (the signature gives the order that matters).
        for (name, value) in entries.sorted(by: { $0.key < $1.key }) {
            let entry = try json.object(value, name)
            let path = try json.string(entry["path_name"], "\(name).path_name")
            guard (entry["use_pickle"] as? Bool) != true else {
                throw CheckpointError(
                    file: directory.file.path, kind: .unsupported, message: "\(source): `\(name)` is pickled (use_pickle), which nntop does not read")
            }
            let meta = try json.object(entry["tensor_meta"], "\(name).tensor_meta")
            let scalarType = try json.int(meta["dtype"], "\(name).dtype")
            guard let dtype = StorageDType(exportScalarType: scalarType) else {
                throw CheckpointError(
                    file: directory.file.path, kind: .unsupported, message: "\(source): `\(name)` has scalar type \(scalarType), which nntop has no dtype for")
            }
            func ints(_ key: String) throws(CheckpointError) -> [Int] {
                try json.array(meta[key], "\(name).\(key)").map { (item) throws(CheckpointError) -> Int in
                    guard case .int(let value) = try json.symInt(item, "\(name).\(key)") else {
                        throw json.fail("`\(name)`: symbolic \(key) in a stored tensor")
                    }
                    return value
                }
            }
            let offset: Int
            if let raw = meta["storage_offset"], case .int(let value) = try json.symInt(raw, "\(name).storage_offset") { offset = value } else { offset = 0 }
            let storage: StorageRef
            if let known = storages[path] {
                storage = known
            } else {
                guard let file = directory.entry(named: prefix + folder + path) else {
                    throw CheckpointError(file: directory.file.path, kind: .notFound, message: "\(prefix)\(folder)\(path) (for `\(name)`) is missing")
                }
                let (bytes, range) = try directory.contents(of: file)
                guard let reference = StorageRef(id: StorageID(file: directory.file.path, key: folder + path), file: bytes, byteRange: range) else {
                    throw json.fail("storage \(path) lies outside the archive")
                }
                storage = reference
                storages[path] = reference
            }
            let record = try TensorRecord(
                name: name, dtype: dtype, shape: try ints("sizes"), strides: try ints("strides"), storageOffset: offset,
                storage: storage, requiresGrad: (meta["requires_grad"] as? Bool) ?? false)
            result.append(
                StoredTensor(
                    name: name, record: record, isParameter: (entry["is_param"] as? Bool) ?? false,
                    requiresGrad: record.requiresGrad))
        }
        return result
    }

    /// `torch.save((args, kwargs))`: keyword inputs by name, positional ones by index.
    private static func sampleInputs(_ entry: ZipDirectory.Entry?, _ directory: ZipDirectory) throws(CheckpointError)
        -> [(name: String, record: TensorRecord)]?
    {
        guard let entry else { return nil }
        let (bytes, range) = try directory.contents(of: entry)
        let nested = FileBytes(copying: bytes.bytes[range], label: "\(directory.file.path)#\(entry.name)")
        let checkpoint = try TorchCheckpoint(bytes: nested)
        guard case .tuple(let parts) = checkpoint.root, parts.count == 2 else {
            throw CheckpointError(file: directory.file.path, kind: .malformedArchive, message: "\(entry.name) is not an (args, kwargs) pair")
        }
        var inputs: [(name: String, record: TensorRecord)] = []
        if case .tuple(let args) = parts[0] {
            for (index, value) in args.enumerated() {
                if case .tensor(let tensor) = value, let record = checkpoint.record(for: tensor) { inputs.append((String(index), record)) }
            }
        }
        if case .dict(let kwargs) = parts[1] {
            for entry in kwargs.entries {
                if case .string(let name) = entry.key, case .tensor(let tensor) = entry.value, let record = checkpoint.record(for: tensor) {
                    inputs.append((name, record))
                }
            }
        }
        return inputs
    }
}

extension StorageDType {
    /// The storage type of a serialized `ScalarType` code (`torch/_export/serde/schema.py`).
    public init?(exportScalarType code: Int) {
        switch code {
        case 1: self = .u8
        case 2: self = .i8
        case 3: self = .i16
        case 4: self = .i32
        case 5: self = .i64
        case 6: self = .f16
        case 7: self = .f32
        case 8: self = .f64
        case 10: self = .c64
        case 12: self = .bool
        case 13: self = .bf16
        case 28: self = .u16
        default: return nil
        }
    }
}
