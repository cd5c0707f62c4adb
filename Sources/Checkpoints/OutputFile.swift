import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where every export goes (`--json`, `--csv`, `--trace`, `--output`, `--freeze-out`, the view's `e`): a
/// regular file is written to a temporary sibling and renamed into place only once every byte is on disk,
/// so a full disk or a killed process never leaves a half-written file or destroys the previous one; a
/// device or pipe (`/dev/stdout`, a FIFO) is written in place, never replaced. Every failure is one line
/// naming the path and the system's reason (`/dev/full: cannot write: No space left on device`).
public enum OutputFile {
    /// Writes `data` to `path`.
    public static func write(_ data: Data, to path: String) throws(CheckpointError) {
        try write(to: path) { file in try data.withUnsafeBytes { try file.append($0) } }
    }

    /// Writes `text` as UTF-8 to `path`.
    public static func write(_ text: String, to path: String) throws(CheckpointError) {
        try write(Data(text.utf8), to: path)
    }

    /// The file being written.
    public struct Writer {
        fileprivate let fd: Int32
        fileprivate let path: String

        /// Appends `bytes` (all of them, or throws naming the system's reason).
        public func append(_ bytes: UnsafeRawBufferPointer) throws(CheckpointError) {
            try OutputFile.writeAll(fd, bytes, path: path)
        }
    }

    /// Calls `body` with the file being written, then puts it in place.
    public static func write(to path: String, _ body: (Writer) throws -> Void) throws(CheckpointError) {
        do { try writeFile(to: path, body) } catch let error as CheckpointError { throw error } catch {
            throw CheckpointError(file: path, kind: .io, message: "cannot write: \(error)")
        }
    }

    private static func writeFile(to path: String, _ body: (Writer) throws -> Void) throws {
        guard !path.isEmpty else { throw CheckpointError(file: path, kind: .io, message: "cannot write: empty path") }
        var info = stat()
        let exists = stat(path, &info) == 0
        if exists && (info.st_mode & S_IFMT) == S_IFDIR {
            throw CheckpointError(file: path, kind: .io, message: "cannot write: is a folder")
        }
        if exists && (info.st_mode & S_IFMT) != S_IFREG {
            // A device, pipe or socket: written in place (renaming over it would replace the device).
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw failure(path, "cannot open for writing") }
            defer { close(fd) }
            try body(Writer(fd: fd, path: path))
            return
        }
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).partial"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            let location = folder.isEmpty ? "the current folder" : folder
            throw CheckpointError(file: path, kind: .io, message: "cannot write: \(reason) (creating a file in \(location))")
        }
        var finished = false
        defer {
            if !finished { unlink(temporary) }
        }
        do {
            try body(Writer(fd: fd, path: path))
            guard fsync(fd) == 0 else { throw failure(path, "cannot write") }
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw failure(path, "cannot write") }
        // A new file gets the permissions a plain `open(..., 0o666)` would, after the umask.
        if !exists {
            let mask = umask(0)
            umask(mask)
            chmod(temporary, 0o666 & ~mask)
        } else {
            chmod(temporary, info.st_mode & 0o7777)
        }
        guard rename(temporary, path) == 0 else { throw failure(path, "cannot move the finished file into place") }
        finished = true
    }

    fileprivate static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(CheckpointError) {
        var offset = 0
        while offset < bytes.count {
            let n = systemWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure(path, "cannot write") }
            offset += n
        }
    }

    private static func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(fd, buffer, count)
        #else
        Darwin.write(fd, buffer, count)
        #endif
    }

    private static func failure(_ path: String, _ what: String) -> CheckpointError {
        CheckpointError(file: path, kind: .io, message: "\(what): \(String(cString: strerror(errno)))")
    }
}
