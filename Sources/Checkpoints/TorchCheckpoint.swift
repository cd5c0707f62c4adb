import Foundation

/// A `torch.save` file (zip or legacy format) read with weights-only rules: the unpickled object and
/// every tensor in it as a zero-copy record.
public struct TorchCheckpoint: Sendable {
    public enum Format: Sendable, Equatable {
        case zip
        case legacy
    }

    public let file: FileBytes
    public let format: Format
    /// The unpickled object (for a state dict, a `PickleDict` of tensors).
    public let root: PickleValue
    /// Every tensor in `root`, in pickle order, named by its dotted path: for a state dict exactly the
    /// state-dict keys; for nested checkpoints `{"model": {...}}` names like `model.0.weight`. Records that
    /// share a storage (tied weights, views) have equal `storage.id`.
    public let records: [TensorRecord]
    /// Index of each distinct pickled tensor's record, for readers that walk `root` themselves.
    private let recordIndex: [PickledTensor: Int]

    /// `recordsObjects` reads whole-model pickles and TorchScript archives (see `PickleMachine`); legacy
    /// files are always read with weights-only rules.
    public init(contentsOf url: URL, limits: PickleMachine.Limits = .init(), recordsObjects: Bool = false)
        throws(CheckpointError)
    {
        try self.init(bytes: FileBytes(contentsOf: url), limits: limits, recordsObjects: recordsObjects)
    }

    /// Reads a zip archive, or else a legacy file (which is also how a bare pickle gets refused).
    public init(bytes: FileBytes, limits: PickleMachine.Limits = .init(), recordsObjects: Bool = false)
        throws(CheckpointError)
    {
        if ZipDirectory.isZip(bytes.bytes) {
            self = try TorchZipArchive.load(bytes, limits: limits, recordsObjects: recordsObjects)
        } else {
            self = try LegacyTorchFile.load(bytes, limits: limits)
        }
    }

    /// Builds the records of `root`, asking `storage` for the bytes of each storage key once.
    init(
        file: FileBytes, format: Format, root: PickleValue,
        storage resolve: (PickledStorage) throws(CheckpointError) -> StorageRef
    ) throws(CheckpointError) {
        var found: [(String, PickledTensor)] = []
        Self.collectTensors(root, path: nil, into: &found)
        var resolved: [String: StorageRef] = [:]
        var records: [TensorRecord] = []
        var recordIndex: [PickledTensor: Int] = [:]
        records.reserveCapacity(found.count)
        for (name, tensor) in found {
            if recordIndex[tensor] == nil { recordIndex[tensor] = records.count }
            let storage: StorageRef
            if let known = resolved[tensor.storage.key] {
                storage = known
            } else {
                storage = try resolve(tensor.storage)
                resolved[tensor.storage.key] = storage
            }
            records.append(
                try TensorRecord(
                    name: name, dtype: tensor.dtype, shape: tensor.shape, strides: tensor.strides,
                    storageOffset: tensor.storageOffset, storage: storage, requiresGrad: tensor.requiresGrad))
        }
        self.file = file
        self.format = format
        self.root = root
        self.records = records
        self.recordIndex = recordIndex
    }

    /// The record of a tensor found in `root` (the first one when the same tensor appears twice).
    public func record(for tensor: PickledTensor) -> TensorRecord? {
        recordIndex[tensor].map { records[$0] }
    }

    /// Depth-first over dicts (string or integer keys), lists and tuples; other values are not tensors.
    private static func collectTensors(_ value: PickleValue, path: String?, into found: inout [(String, PickledTensor)]) {
        func child(_ component: String) -> String { path.map { "\($0).\(component)" } ?? component }
        switch value {
        case .tensor(let tensor):
            found.append((path ?? "", tensor))
        case .dict(let dict):
            for entry in dict.entries {
                switch entry.key {
                case .string(let key): collectTensors(entry.value, path: child(key), into: &found)
                case .int(let key): collectTensors(entry.value, path: child(String(key)), into: &found)
                default: continue
                }
            }
        case .object(let object):
            for entry in object.state {
                if case .string(let key) = entry.key { collectTensors(entry.value, path: child(key), into: &found) }
            }
        case .list(let items), .tuple(let items):
            for (index, item) in items.enumerated() { collectTensors(item, path: child(String(index)), into: &found) }
        default:
            return
        }
    }
}
