import Foundation

/// One memory-mapped safetensors file: its validated header and a zero-copy record per tensor.
public struct SafetensorsFile: Sendable {
    public let header: SafetensorsHeader
    public let bytes: FileBytes
    /// Records in data order. Each tensor has its own storage (safetensors cannot alias).
    public let records: [TensorRecord]

    public var url: URL { URL(fileURLWithPath: bytes.path) }
    public var metadata: [String: String]? { header.metadata }

    /// Maps and validates `url`. Only the header pages are read.
    public init(contentsOf url: URL) throws(CheckpointError) {
        try self.init(bytes: FileBytes(contentsOf: url))
    }

    /// Validates `bytes` as a safetensors file.
    public init(bytes: FileBytes) throws(CheckpointError) {
        let header = try SafetensorsHeader.parse(bytes.bytes, fileSize: bytes.count, file: bytes.path)
        var records: [TensorRecord] = []
        records.reserveCapacity(header.entries.count)
        for entry in header.entries {
            guard let dtype = entry.dtype else {
                throw CheckpointError(
                    file: bytes.path, kind: .unsupported,
                    message: "tensor `\(entry.name)` has packed sub-byte dtype \(entry.dtypeName), which nntop does not load")
            }
            let range = (header.dataStart + entry.dataOffsets.lowerBound)..<(header.dataStart + entry.dataOffsets.upperBound)
            guard let storage = StorageRef(id: StorageID(file: bytes.path, key: entry.name), file: bytes, byteRange: range)
            else {
                throw CheckpointError(file: bytes.path, kind: .invalidTensor, message: "tensor `\(entry.name)` lies outside the file")
            }
            records.append(
                try TensorRecord(
                    name: entry.name, dtype: dtype, shape: entry.shape,
                    strides: TensorRecord.contiguousStrides(for: entry.shape), storageOffset: 0,
                    storage: storage, requiresGrad: false))
        }
        self.header = header
        self.bytes = bytes
        self.records = records
    }
}
