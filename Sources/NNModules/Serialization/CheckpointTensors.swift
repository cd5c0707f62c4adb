import Foundation
import Checkpoints

extension DType {
    /// The NNModules dtype a checkpoint storage type loads as; float8 and unsigned 16–64-bit types have
    /// no NNModules dtype and are widened (float8 → float32, unsigned → int64) on load.
    init?(storage: StorageDType) {
        switch storage {
        case .f32: self = .float32
        case .f64: self = .float64
        case .f16: self = .float16
        case .bf16: self = .bfloat16
        case .i64: self = .int64
        case .i32: self = .int32
        case .i16: self = .int16
        case .i8: self = .int8
        case .u8: self = .uint8
        case .bool: self = .bool
        case .c64: self = .complex64
        default: return nil
        }
    }

    /// The dtype a checkpoint tensor of `storage` becomes once loaded: its own, or the widened one
    /// (float8 → float32, unsigned 16–64-bit → int64) when NNModules has no such dtype.
    public init(loading storage: StorageDType) {
        self = DType(storage: storage) ?? (storage.torchName.hasPrefix("float") ? .float32 : .int64)
    }
}

extension StorageDType {
    /// The checkpoint storage type of an NNModules dtype (complex128 has none in safetensors).
    init?(_ dtype: DType) {
        guard let match = StorageDType.allCases.first(where: { DType(storage: $0) == dtype }) else { return nil }
        self = match
    }
}

extension Tensor {
    /// This tensor as a safetensors entry (row-major little-endian bytes), for `SafetensorsWriter`.
    public func safetensorsEntry() throws -> SafetensorsWriter.Tensor {
        guard let storageType = StorageDType(dtype), !isMeta else {
            throw TorchError.runtimeError("cannot save a \(isMeta ? "meta" : dtype.rawValue) tensor to safetensors")
        }
        let data = try contiguous()
        return SafetensorsWriter.Tensor(dtype: storageType, shape: sizes, bytes: Data(bytes: data.rawElementPointer, count: byteCount))
    }

    /// Builds tensors for checkpoint records without copying: records sharing a storage (tied weights,
    /// views) share one `Storage` over the memory-mapped file, exactly as `torch.load` shares them.
    /// Misaligned data and dtypes NNModules does not have are copied (and widened).
    public static func fromRecords(_ records: [TensorRecord]) -> [(name: String, tensor: Tensor)] {
        var storages: [StorageID: Storage] = [:]
        return records.map { record in
            guard let dtype = DType(storage: record.dtype) else {
                return (record.name, Tensor(record.elementValues(), shape: record.shape, dtype: DType(loading: record.dtype)))
            }
            let storage: Storage? = record.storage.withUnsafeBytes { raw in
                guard let base = raw.baseAddress, Int(bitPattern: base) % dtype.itemSize == 0 else { return nil }
                if let existing = storages[record.storage.id] { return existing }
                let shared = Storage(borrowing: UnsafeMutableRawPointer(mutating: base), byteCount: raw.count,
                                     owner: record.storage.file)
                storages[record.storage.id] = shared
                return shared
            }
            guard let storage else {
                let copy = Tensor.empty(record.shape, dtype: dtype)
                record.withContiguousBytes { raw in
                    copy.storage?.pointer.copyMemory(from: raw.baseAddress!, byteCount: min(raw.count, copy.byteCount))
                }
                return (record.name, copy)
            }
            return (record.name, Tensor(storage: storage, storageOffset: record.storageOffset, shape: record.shape,
                                        strides: record.strides, dtype: dtype, device: .cpu))
        }
    }
}

extension StateDict {
    /// The tensors of a checkpoint (safetensors file or sharded folder, `.pt`/`.bin` zip or legacy file) in
    /// its order, sharing memory with the mapped file.
    public init(checkpoint: Checkpoint) {
        self.init(tensors: Tensor.fromRecords(checkpoint.records).map { ($0.name, $0.tensor) })
    }
}
