import Checkpoints
import NNModules

/// Tensors of one archive made from its records: records sharing a storage share memory (as `torch.load`
/// shares them), and every view of the same bytes becomes one `Parameter` object, so tied weights are one
/// parameter registered under each of their names.
struct ArchiveTensors {
    private struct ViewKey: Hashable {
        let storage: StorageID
        let offset: Int
        let shape: [Int]
        let strides: [Int]
        let dtype: StorageDType
    }

    private var tensors: [ViewKey: Tensor] = [:]
    private var parameters: [ViewKey: Parameter] = [:]

    /// Builds every record's tensor at once, so that records sharing a storage share one `Storage`.
    init(_ records: [TensorRecord]) {
        for (record, built) in zip(records, Tensor.fromRecords(records)) where tensors[Self.key(record)] == nil {
            tensors[Self.key(record)] = built.tensor
        }
    }

    private static func key(_ record: TensorRecord) -> ViewKey {
        ViewKey(storage: record.storage.id, offset: record.storageOffset, shape: record.shape, strides: record.strides, dtype: record.dtype)
    }

    func tensor(_ record: TensorRecord) throws -> Tensor {
        guard let tensor = tensors[Self.key(record)] else {
            throw ExportedModelError.invalid("tensor `\(record.name)` was not read with the archive")
        }
        return tensor
    }

    /// The one `Parameter` over `record`'s bytes.
    mutating func parameter(_ record: TensorRecord, requiresGrad: Bool) throws -> Parameter {
        let key = Self.key(record)
        if let known = parameters[key] { return known }
        let parameter = Parameter(try tensor(record), requiresGrad: requiresGrad)
        parameters[key] = parameter
        return parameter
    }
}
