import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of one checkpoint file, kept alive for as long as any record points into them.
///
/// Files are memory-mapped privately (copy-on-write), so opening a multi-gigabyte checkpoint touches only the pages that
/// are actually read (headers when browsing), and tensor bytes are handed out without copying. Inputs
/// that are not files (fuzzing, decompressed zip entries) own a heap copy instead.
public final class FileBytes: @unchecked Sendable {
    // @unchecked: the buffer is never written after init (mapped PROT_READ or a private copy), so sharing
    // it between threads is safe.

    /// The path (or a label for in-memory bytes) used in error messages.
    public let path: String
    /// All bytes of the file. Valid for the lifetime of this object.
    public let bytes: UnsafeRawBufferPointer
    private let isMapped: Bool

    /// Maps the file at `url` read-only.
    public init(contentsOf url: URL) throws(CheckpointError) {
        let path = url.path
        func failure(_ what: String) -> CheckpointError {
            CheckpointError(file: path, kind: .io, message: "\(what): \(String(cString: strerror(errno)))")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw failure("cannot stat") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw CheckpointError(file: path, kind: .io, message: "not a regular file")
        }
        let size = Int(info.st_size)
        self.path = path
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            isMapped = false
            return
        }
        // Copy-on-write: tensors built on these pages may be modified in place (an `assign=True` load
        // followed by training) without ever writing to the file.
        let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, descriptor, 0)
        guard let address, address != MAP_FAILED else { throw failure("cannot map") }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
        isMapped = true
    }

    /// An owned copy of `contents`, labelled `label` in errors.
    public init(copying contents: some Collection<UInt8>, label: String) {
        path = label
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: contents.count, alignment: 64)
        buffer.copyBytes(from: contents)
        bytes = UnsafeRawBufferPointer(buffer)
        isMapped = false
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    public var count: Int { bytes.count }

    /// `bytes[range]`, or `nil` when the range is not inside the file.
    func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer? {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
        return UnsafeRawBufferPointer(rebasing: bytes[range])
    }
}
