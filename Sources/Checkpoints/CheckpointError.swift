/// The one error every checkpoint reader and writer throws.
///
/// `message` is the problem alone (for safetensors, the exact text the Rust `safetensors` crate prints
/// through Python, so it can be compared with recorded goldens); `description` prefixes the file, because
/// a folder of shards or a zip archive can fail in any of several files.
public struct CheckpointError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, for callers that react differently to different problems.
    public enum Kind: Sendable, Equatable {
        /// The file could not be opened, mapped, read or written.
        case io
        // safetensors header problems, one per variant of the Rust crate's `SafeTensorError`.
        case headerTooSmall
        case headerTooLarge
        case invalidHeaderLength
        case invalidHeaderUTF8
        case invalidHeaderJSON
        case invalidOffset(tensor: String)
        case invalidTensorInfo
        case incompleteMetadata
        case validationOverflow
        /// A pickle named a global outside the weights-only allowlist (`module.name`).
        case unsupportedGlobal(String)
        /// A pickle used an opcode the weights-only unpickler does not implement.
        case unsupportedOpcode(UInt8)
        /// The pickle stream is malformed (truncated, stack underflow, wrong argument types...).
        case malformedPickle
        /// The zip or legacy container around the pickle is malformed.
        case malformedArchive
        /// The file is none of the formats nntop reads (a text file, an image, ...).
        case unrecognizedFormat
        /// A tensor's shape, strides or offset do not fit its storage.
        case invalidTensor
        /// Well-formed, but uses something this reader deliberately does not support.
        case unsupported
        /// A safety limit (size, depth, count) was exceeded.
        case limitExceeded
        /// Something the checkpoint refers to (a shard, an entry, a storage) is missing.
        case notFound
    }

    public let file: String
    public let kind: Kind
    public let message: String

    public init(file: String, kind: Kind, message: String) {
        self.file = file
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}
