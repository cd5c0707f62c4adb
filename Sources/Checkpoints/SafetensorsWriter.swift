import Foundation

/// Writes safetensors files the way the Python/Rust `safetensors` package does, byte for byte: tensors
/// sorted by dtype (widest first, in the crate's enum order) then name, header JSON in serde's compact
/// form, padded with spaces to a multiple of 8 bytes so the data section is 8-byte aligned.
public enum SafetensorsWriter {
    /// One tensor to write: row-major contiguous little-endian bytes.
    public struct Tensor: Sendable {
        public var dtype: StorageDType
        public var shape: [Int]
        public var bytes: Data

        public init(dtype: StorageDType, shape: [Int], bytes: Data) {
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        /// The record's elements in row-major order (gathered if the record is a strided view).
        public init(_ record: TensorRecord) {
            self.init(dtype: record.dtype, shape: record.shape, bytes: record.withContiguousBytes { Data($0) })
        }
    }

    /// Writes `tensors` (and `metadata` as `__metadata__`) to `url`, replacing it atomically.
    public static func save(tensors: [String: Tensor], metadata: [String: String]? = nil, to url: URL)
        throws(CheckpointError)
    {
        let (header, ordered) = try prepare(tensors: tensors, metadata: metadata, file: url.path)
        try OutputFile.write(to: url.path) { file in
            try header.withUnsafeBytes { try file.append($0) }
            for (_, tensor) in ordered { try tensor.bytes.withUnsafeBytes { try file.append($0) } }
        }
    }

    /// The complete file as bytes (for small outputs and tests).
    public static func serialize(tensors: [String: Tensor], metadata: [String: String]? = nil)
        throws(CheckpointError) -> Data
    {
        let (header, ordered) = try prepare(tensors: tensors, metadata: metadata, file: "<memory>")
        return ordered.reduce(into: header) { $0.append($1.tensor.bytes) }
    }

    /// The length prefix plus padded header, and the tensors in file order.
    private static func prepare(tensors: [String: Tensor], metadata: [String: String]?, file: String)
        throws(CheckpointError) -> (Data, [(name: String, tensor: Tensor)])
    {
        let ordered = tensors.map { (name: $0.key, tensor: $0.value) }.sorted { left, right in
            if left.tensor.dtype.safetensorsRank != right.tensor.dtype.safetensorsRank {
                return left.tensor.dtype.safetensorsRank > right.tensor.dtype.safetensorsRank
            }
            return left.name.utf8.lexicographicallyPrecedes(right.name.utf8)
        }
        var json = "{"
        var members: [String] = []
        if let metadata {
            let pairs = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                .map { "\(JSONString.quoted($0.key)):\(JSONString.quoted($0.value))" }
            members.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for (name, tensor) in ordered {
            guard tensor.shape.allSatisfy({ $0 >= 0 }),
                let count = TensorRecord.checkedProduct(tensor.shape),
                count.multipliedReportingOverflow(by: tensor.dtype.elementSize) == (tensor.bytes.count, false)
            else {
                throw CheckpointError(
                    file: file, kind: .invalidTensor,
                    message: "tensor `\(name)`: \(tensor.bytes.count) bytes do not hold shape \(tensor.shape) of \(tensor.dtype.torchName)")
            }
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            members.append(
                "\(JSONString.quoted(name)):{\"dtype\":\"\(tensor.dtype.safetensorsName)\",\"shape\":[\(shape)],"
                    + "\"data_offsets\":[\(offset),\(offset + tensor.bytes.count)]}")
            offset += tensor.bytes.count
        }
        json += members.joined(separator: ",") + "}"
        var header = Data(json.utf8)
        header.append(contentsOf: [UInt8](repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        guard header.count <= SafetensorsHeader.maxHeaderSize else {
            throw CheckpointError(file: file, kind: .limitExceeded, message: "header too large")
        }
        var prefix = Data(count: 8)
        prefix.withUnsafeMutableBytes { $0.storeBytes(of: UInt64(header.count).littleEndian, as: UInt64.self) }
        return (prefix + header, ordered)
    }

}
