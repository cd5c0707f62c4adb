import Foundation

/// A parsed and validated safetensors header: the tensors' dtypes, shapes and byte ranges, and the
/// `__metadata__` strings.
///
/// Validation is exactly the Rust crate's (`SafeTensors::read_metadata`): the same checks in the same
/// order with the same messages, so a file nntop accepts is one Python accepts and vice versa.
public struct SafetensorsHeader: Sendable {
    public struct Entry: Sendable {
        public let name: String
        /// The safetensors dtype code as written (`F32`, ...; also the packed `F4`/`F6_*` codes).
        public let dtypeName: String
        /// `nil` for the packed sub-byte codes, which nntop does not load.
        public let dtype: StorageDType?
        public let shape: [Int]
        /// Byte range relative to the start of the data section (just after the header).
        public let dataOffsets: Range<Int>
    }

    /// The Rust crate's `MAX_HEADER_SIZE`.
    public static let maxHeaderSize = 100_000_000

    /// Tensors in data order (ascending offsets), which for files written by safetensors is dtype-then-name order.
    public let entries: [Entry]
    /// `__metadata__`, or `nil` when the header has none (or `null`).
    public let metadata: [String: String]?
    /// Byte length of the JSON header (without the 8-byte length prefix).
    public let headerLength: Int

    /// Where the data section starts in the file.
    public var dataStart: Int { 8 + headerLength }

    /// Reads and validates only the header of the file at `url` (8 bytes plus the JSON), without mapping
    /// or reading tensor data: cheap even for huge shards.
    public static func read(from url: URL) throws(CheckpointError) -> SafetensorsHeader {
        let path = url.path
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw CheckpointError(file: path, kind: .io, message: "cannot open: \(error.localizedDescription)")
        }
        defer { try? handle.close() }
        do {
            let fileSize = Int(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
            let prefix = try handle.read(upToCount: 8) ?? Data()
            var wanted = prefix.count
            if prefix.count == 8 {
                let length = prefix.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
                if length <= UInt64(maxHeaderSize), Int(length) <= fileSize - 8 { wanted = 8 + Int(length) }
            }
            let header = prefix + (wanted > 8 ? try handle.read(upToCount: wanted - 8) ?? Data() : Data())
            return try header.withUnsafeBytes { bytes throws(CheckpointError) in
                try parse(bytes, fileSize: fileSize, file: path)
            }
        } catch let error as CheckpointError {
            throw error
        } catch {
            throw CheckpointError(file: path, kind: .io, message: "cannot read: \(error.localizedDescription)")
        }
    }

    /// Parses the header at the start of `bytes` (the whole file, or at least its first `8 + n` bytes) for
    /// a file of `fileSize` bytes.
    static func parse(_ bytes: UnsafeRawBufferPointer, fileSize: Int, file: String) throws(CheckpointError)
        -> SafetensorsHeader
    {
        func fail(_ kind: CheckpointError.Kind, _ problem: String) -> CheckpointError {
            CheckpointError(file: file, kind: kind, message: "Error while deserializing header: \(problem)")
        }
        guard fileSize >= 8, bytes.count >= 8 else { throw fail(.headerTooSmall, "header too small") }
        let declared = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard declared <= UInt64(maxHeaderSize) else { throw fail(.headerTooLarge, "header too large") }
        let length = Int(declared)
        guard length <= fileSize - 8, length <= bytes.count - 8 else {
            throw fail(.invalidHeaderLength, "invalid header length")
        }
        let json = UnsafeRawBufferPointer(rebasing: bytes[8..<8 + length])
        guard String(validating: json, as: UTF8.self) != nil else {
            throw fail(.invalidHeaderUTF8, "invalid UTF-8 in header")
        }
        let decoded: Decoded
        do {
            decoded = try Decoded(HeaderJSON.parse(json))
        } catch {
            throw fail(
                .invalidHeaderJSON,
                "invalid JSON in header: \(error.message) at \(HeaderJSON.position(of: error.index, in: json))")
        }
        let entries = try validate(decoded.tensors, fail: fail)
        let dataLength = entries.last.map { $0.end } ?? 0
        guard dataLength == UInt64(fileSize - 8 - length) else {
            throw fail(.incompleteMetadata, "incomplete metadata, file not fully covered")
        }
        // Every offset is now at most the file size, so the conversions below cannot trap.
        var result: [Entry] = []
        result.reserveCapacity(entries.count)
        for entry in entries {
            var shape: [Int] = []
            for size in entry.info.shape {
                guard let dimension = Int(exactly: size) else {
                    throw CheckpointError(
                        file: file, kind: .unsupported,
                        message: "tensor `\(entry.name)`: dimension \(size) exceeds Int.max")
                }
                shape.append(dimension)
            }
            result.append(
                Entry(
                    name: entry.name, dtypeName: entry.info.dtypeName,
                    dtype: StorageDType(rawValue: entry.info.dtypeName), shape: shape,
                    dataOffsets: Int(entry.info.begin)..<Int(entry.end)))
        }
        return SafetensorsHeader(entries: result, metadata: decoded.metadata, headerLength: length)
    }

    /// The Rust crate's `Metadata::validate`: offsets sorted ascending must tile the data exactly and each
    /// span must be exactly `numel * bits / 8` bytes.
    private static func validate(
        _ tensors: [(name: String, info: TensorInfo)],
        fail: (CheckpointError.Kind, String) -> CheckpointError
    ) throws(CheckpointError) -> [(name: String, info: TensorInfo, end: UInt64)] {
        // Ties (empty tensors at one offset) are broken by name so the order does not depend on hashing.
        let sorted = tensors.sorted {
            ($0.info.begin, $0.info.end, $0.name) < ($1.info.begin, $1.info.end, $1.name)
        }
        var start: UInt64 = 0
        var result: [(name: String, info: TensorInfo, end: UInt64)] = []
        result.reserveCapacity(sorted.count)
        for (name, info) in sorted {
            guard info.begin == start, info.end >= info.begin else {
                throw fail(.invalidOffset(tensor: name), "invalid offset for tensor `\(name)`")
            }
            start = info.end
            var elements: UInt64 = 1
            for size in info.shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: size)
                guard !overflow else {
                    throw fail(.validationOverflow, "overflow computing buffer size from shape and/or element type")
                }
                elements = product
            }
            let (bits, overflow) = elements.multipliedReportingOverflow(by: UInt64(info.bitWidth))
            guard !overflow else {
                throw fail(.validationOverflow, "overflow computing buffer size from shape and/or element type")
            }
            guard bits % 8 == 0 else {
                throw fail(.invalidTensorInfo, "misaligned slice: the data of a sub-byte tensor does not end on a byte boundary")
            }
            guard info.end - info.begin == bits / 8 else {
                throw fail(.invalidTensorInfo, "invalid shape, data type, or offset for tensor")
            }
            result.append((name, info, info.end))
        }
        return result
    }
}

extension SafetensorsHeader {
    /// One tensor's header fields as serde deserializes `TensorInfo`.
    struct TensorInfo {
        var dtypeName: String
        var shape: [UInt64]
        var begin: UInt64
        var end: UInt64

        var bitWidth: Int {
            switch dtypeName {
            case "F4": 4
            case "F6_E2M3", "F6_E3M2": 6
            default: (StorageDType(rawValue: dtypeName)?.elementSize ?? 0) * 8
            }
        }
    }

    /// The header JSON mapped onto serde's `HashMetadata` (`__metadata__` plus flattened tensors), with
    /// serde's error wording and positions.
    struct Decoded {
        var metadata: [String: String]?
        var tensors: [(name: String, info: TensorInfo)]

        typealias Failure = HeaderJSON.Failure

        init(_ root: HeaderJSON.Node) throws(Failure) {
            guard case .object(let members) = root.value else {
                throw Failure(
                    message: "invalid type: \(root.value.unexpected), expected struct HashMetadata", index: root.start)
            }
            var metadata: [String: String]?
            var sawMetadata = false
            // serde buffers flattened members and builds a HashMap, so a repeated tensor name keeps the last value.
            var order: [String] = []
            var latest: [String: HeaderJSON.Node] = [:]
            for (key, node) in members {
                if key == "__metadata__" {
                    guard !sawMetadata else { throw Failure(message: "duplicate field `__metadata__`", index: node.end) }
                    sawMetadata = true
                    metadata = try Self.metadata(node)
                } else {
                    if latest.updateValue(node, forKey: key) == nil { order.append(key) }
                }
            }
            self.metadata = metadata
            var tensors: [(name: String, info: TensorInfo)] = []
            tensors.reserveCapacity(order.count)
            for name in order {
                guard let node = latest[name] else { continue }
                // Errors inside flattened members are reported where serde finishes the outer object.
                tensors.append((name, try Self.tensorInfo(node, reportAt: root.end)))
            }
            self.tensors = tensors
        }

        private static func metadata(_ node: HeaderJSON.Node) throws(Failure) -> [String: String]? {
            switch node.value {
            case .null:
                return nil
            case .object(let members):
                var result: [String: String] = [:]
                for (key, value) in members {
                    guard case .string(let text) = value.value else {
                        throw Failure(
                            message: "invalid type: \(value.value.unexpected), expected a string", index: value.end)
                    }
                    result[key] = text
                }
                return result
            default:
                throw Failure(message: "invalid type: \(node.value.unexpected), expected a map", index: node.end)
            }
        }

        private static func tensorInfo(_ node: HeaderJSON.Node, reportAt index: Int) throws(Failure) -> TensorInfo {
            func failure(_ message: String) -> Failure { Failure(message: message, index: index) }
            guard case .object(let members) = node.value else {
                throw failure("invalid type: \(node.value.unexpected), expected struct TensorInfo")
            }
            var dtype: String?
            var shape: [UInt64]?
            var offsets: [UInt64]?
            for (key, value) in members {
                switch key {
                case "dtype":
                    guard dtype == nil else { throw failure("duplicate field `dtype`") }
                    guard case .string(let name) = value.value else {
                        throw failure("invalid type: \(value.value.unexpected), expected string or map")
                    }
                    guard StorageDType.safetensorsVariantNames.contains(name) else {
                        let names = StorageDType.safetensorsVariantNames.map { "`\($0)`" }.joined(separator: ", ")
                        throw failure("unknown variant `\(name)`, expected one of \(names)")
                    }
                    dtype = name
                case "shape":
                    guard shape == nil else { throw failure("duplicate field `shape`") }
                    shape = try sizes(value, expected: "a sequence", failure: failure)
                case "data_offsets":
                    guard offsets == nil else { throw failure("duplicate field `data_offsets`") }
                    let pair = try sizes(value, expected: "a tuple of size 2", failure: failure)
                    guard pair.count == 2 else {
                        throw failure("invalid length \(pair.count), expected a tuple of size 2")
                    }
                    offsets = pair
                default:
                    continue
                }
            }
            guard let dtype else { throw failure("missing field `dtype`") }
            guard let shape else { throw failure("missing field `shape`") }
            guard let offsets else { throw failure("missing field `data_offsets`") }
            return TensorInfo(dtypeName: dtype, shape: shape, begin: offsets[0], end: offsets[1])
        }

        private static func sizes(
            _ node: HeaderJSON.Node, expected: String, failure: (String) -> Failure
        ) throws(Failure) -> [UInt64] {
            guard case .array(let items) = node.value else {
                throw failure("invalid type: \(node.value.unexpected), expected \(expected)")
            }
            var result: [UInt64] = []
            result.reserveCapacity(items.count)
            for item in items {
                switch item.value {
                case .unsigned(let value): result.append(value)
                case .signed(let value): throw failure("invalid value: integer `\(value)`, expected usize")
                default: throw failure("invalid type: \(item.value.unexpected), expected usize")
                }
            }
            return result
        }
    }
}
