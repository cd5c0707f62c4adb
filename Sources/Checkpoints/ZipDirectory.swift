import Foundation
import ZIPFoundation

/// The central directory of a zip archive read straight from the mapped file.
///
/// `torch.save` stores entries uncompressed and 64-byte aligned so they can be used in place; ZIPFoundation
/// does not expose where an entry's data starts, so the directory (including ZIP64 records, needed above
/// 4 GiB) is parsed here with every offset checked against the file. Compressed entries, which torch never
/// writes but other zip tools might, are inflated with ZIPFoundation's decompressor into an owned buffer.
struct ZipDirectory {
    struct Entry {
        let name: String
        let method: UInt16
        let crc32: UInt32
        let compressedSize: Int
        let uncompressedSize: Int
        /// Start of the entry's (possibly compressed) bytes in the file.
        let dataOffset: Int
    }

    /// The largest entry this reader will inflate into memory.
    static let maxInflatedSize = 1 << 31

    let file: FileBytes
    /// Entries in central-directory order.
    let entries: [Entry]
    private let byName: [String: Int]

    static func isZip(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 4 && bytes.loadUnaligned(as: UInt32.self) == UInt32(0x0403_4B50).littleEndian
    }

    init(_ file: FileBytes) throws(CheckpointError) {
        self.file = file
        let bytes = file.bytes
        func broken(_ problem: String) -> CheckpointError {
            CheckpointError(file: file.path, kind: .malformedArchive, message: "zip archive: \(problem)")
        }
        func integer<T: FixedWidthInteger>(_ offset: Int, _: T.Type) throws(CheckpointError) -> T {
            guard offset >= 0, offset <= bytes.count - MemoryLayout<T>.size else { throw broken("record at \(offset) is truncated") }
            return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        func size(_ value: UInt64) throws(CheckpointError) -> Int {
            guard value <= UInt64(bytes.count) else { throw broken("size or offset \(value) exceeds the file") }
            return Int(value)
        }

        // End of central directory: the last signature within the maximal comment distance of the end.
        let searchStart = max(0, bytes.count - 22 - 0xFFFF)
        var eocd = bytes.count - 22
        while eocd >= searchStart, try integer(eocd, UInt32.self) != 0x0605_4B50 { eocd -= 1 }
        guard eocd >= searchStart else { throw broken("no end-of-central-directory record") }
        var entryCount = UInt64(try integer(eocd + 10, UInt16.self))
        var directorySize = UInt64(try integer(eocd + 12, UInt32.self))
        var directoryOffset = UInt64(try integer(eocd + 16, UInt32.self))
        if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            let locator = eocd - 20
            guard try integer(locator, UInt32.self) == 0x0706_4B50 else { throw broken("ZIP64 locator missing") }
            let record = try size(try integer(locator + 8, UInt64.self))
            guard try integer(record, UInt32.self) == 0x0606_4B50 else { throw broken("ZIP64 end record missing") }
            entryCount = try integer(record + 32, UInt64.self)
            directorySize = try integer(record + 40, UInt64.self)
            directoryOffset = try integer(record + 48, UInt64.self)
        }
        let start = try size(directoryOffset)
        let length = try size(directorySize)
        guard length <= bytes.count - start else { throw broken("central directory exceeds the file") }
        guard entryCount <= UInt64(length / 46) else { throw broken("\(entryCount) entries cannot fit the central directory") }

        var entries: [Entry] = []
        entries.reserveCapacity(Int(entryCount))
        var byName: [String: Int] = [:]
        var cursor = start
        for _ in 0..<Int(entryCount) {
            guard try integer(cursor, UInt32.self) == 0x0201_4B50 else { throw broken("bad central directory entry at \(cursor)") }
            let flags = try integer(cursor + 8, UInt16.self)
            let method = try integer(cursor + 10, UInt16.self)
            let crc = try integer(cursor + 16, UInt32.self)
            var compressed = UInt64(try integer(cursor + 20, UInt32.self))
            var uncompressed = UInt64(try integer(cursor + 24, UInt32.self))
            let nameLength = Int(try integer(cursor + 28, UInt16.self))
            let extraLength = Int(try integer(cursor + 30, UInt16.self))
            let commentLength = Int(try integer(cursor + 32, UInt16.self))
            var localOffset = UInt64(try integer(cursor + 42, UInt32.self))
            let nameStart = cursor + 46
            let next = nameStart + nameLength + extraLength + commentLength
            guard next <= start + length else { throw broken("central directory entry at \(cursor) is truncated") }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[nameStart..<nameStart + nameLength]), as: UTF8.self)
            // ZIP64 extended information: the 64-bit values of the fields saturated at 0xFFFFFFFF, in this order.
            var extra = nameStart + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = try integer(extra, UInt16.self)
                let dataSize = Int(try integer(extra + 2, UInt16.self))
                var field = extra + 4
                let fieldEnd = field + dataSize
                guard fieldEnd <= extraEnd else { throw broken("extra field of `\(name)` is truncated") }
                func widened(_ value: UInt64) throws(CheckpointError) -> UInt64 {
                    guard id == 0x0001, value == 0xFFFF_FFFF, field + 8 <= fieldEnd else { return value }
                    defer { field += 8 }
                    return try integer(field, UInt64.self)
                }
                uncompressed = try widened(uncompressed)
                compressed = try widened(compressed)
                localOffset = try widened(localOffset)
                extra = fieldEnd
            }
            guard flags & 1 == 0 else {
                throw CheckpointError(file: file.path, kind: .unsupported, message: "zip entry `\(name)` is encrypted")
            }
            let local = try size(localOffset)
            guard try integer(local, UInt32.self) == 0x0403_4B50 else { throw broken("bad local header for `\(name)`") }
            let dataOffset = local + 30 + Int(try integer(local + 26, UInt16.self)) + Int(try integer(local + 28, UInt16.self))
            let compressedSize = try size(compressed)
            guard dataOffset <= bytes.count, compressedSize <= bytes.count - dataOffset else {
                throw broken("data of `\(name)` exceeds the file")
            }
            guard uncompressed <= UInt64(Int.max) else { throw broken("size of `\(name)` is out of range") }
            if byName[name] == nil { byName[name] = entries.count }
            entries.append(
                Entry(
                    name: name, method: method, crc32: crc, compressedSize: compressedSize,
                    uncompressedSize: Int(uncompressed), dataOffset: dataOffset))
            cursor = next
        }
        self.entries = entries
        self.byName = byName
    }

    func entry(named name: String) -> Entry? { byName[name].map { entries[$0] } }

    /// The entry's bytes: a range of the mapped file when stored, or an inflated private copy.
    func contents(of entry: Entry) throws(CheckpointError) -> (file: FileBytes, range: Range<Int>) {
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw CheckpointError(
                    file: file.path, kind: .malformedArchive, message: "zip entry `\(entry.name)`: stored sizes differ")
            }
            return (file, entry.dataOffset..<entry.dataOffset + entry.compressedSize)
        case 8:
            let inflated = try inflate(entry)
            return (inflated, 0..<inflated.count)
        default:
            throw CheckpointError(
                file: file.path, kind: .unsupported,
                message: "zip entry `\(entry.name)` uses compression method \(entry.method)")
        }
    }

    /// Ends inflation early: the stream ran past its data or produced more than its declared size.
    private struct InflateStop: Error {}

    private func inflate(_ entry: Entry) throws(CheckpointError) -> FileBytes {
        func broken(_ problem: String) -> CheckpointError {
            CheckpointError(file: file.path, kind: .malformedArchive, message: "zip entry `\(entry.name)`: \(problem)")
        }
        guard entry.uncompressedSize <= Self.maxInflatedSize else {
            throw CheckpointError(
                file: file.path, kind: .limitExceeded,
                message: "zip entry `\(entry.name)` would inflate to \(entry.uncompressedSize) bytes")
        }
        let source = UnsafeRawBufferPointer(rebasing: file.bytes[entry.dataOffset..<entry.dataOffset + entry.compressedSize])
        var output = Data()
        output.reserveCapacity(entry.uncompressedSize)
        let chunk = 64 * 1024
        do {
            // ZIPFoundation's inflater always hands zlib `size` bytes, so each chunk is padded to full size, and
            // reading stops one chunk past the end so a stream that never ends cannot loop forever.
            let checksum = try Data.decompress(
                size: Int64(entry.compressedSize), bufferSize: chunk, skipCRC32: false,
                provider: { position, size in
                    guard position >= 0, position <= Int64(source.count) else { throw InflateStop() }
                    let begin = Int(position)
                    var data = Data(source[begin..<min(source.count, begin + size)])
                    if data.count < size { data.append(Data(count: size - data.count)) }
                    return data
                },
                consumer: { data in
                    guard output.count + data.count <= entry.uncompressedSize else { throw InflateStop() }
                    output.append(data)
                })
            guard output.count == entry.uncompressedSize, checksum == entry.crc32 else {
                throw broken("inflated size or CRC does not match the directory")
            }
        } catch let error as CheckpointError {
            throw error
        } catch {
            throw broken("cannot inflate: \(error)")
        }
        return FileBytes(copying: output, label: "\(file.path)#\(entry.name)")
    }
}
