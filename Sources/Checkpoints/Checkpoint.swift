import Foundation

/// The entry point for reading any supported checkpoint: a safetensors file, a sharded safetensors folder
/// or index, a `torch.save` file (zip or legacy), or a model folder containing one of those.
public struct Checkpoint: Sendable {
    public enum Format: Sendable, Equatable {
        case safetensors
        case shardedSafetensors
        case torchZip
        case torchLegacy
    }

    /// The file actually opened (for a folder: the index or weights file found in it).
    public let url: URL
    public let format: Format
    /// Tensors in checkpoint order: state-dict (pickle) order for torch files, index order for shards,
    /// data order for a single safetensors file.
    public let records: [TensorRecord]
    /// safetensors `__metadata__` (for shards, the first shard's); `nil` for torch files.
    public let metadata: [String: String]?
    /// The unpickled object of a torch file; `nil` for safetensors.
    public let pickle: PickleValue?

    public func record(named name: String) -> TensorRecord? { records.first { $0.name == name } }

    /// Opens `url` (file or folder), mapping the files and validating everything before returning.
    public static func open(_ url: URL) throws(CheckpointError) -> Checkpoint {
        let file = try resolve(url)
        switch try format(of: file) {
        case .safetensors:
            let loaded = try SafetensorsFile(contentsOf: file)
            return Checkpoint(url: file, format: .safetensors, records: loaded.records, metadata: loaded.metadata, pickle: nil)
        case .shardedSafetensors:
            let loaded = try ShardedSafetensors(indexURL: file)
            return Checkpoint(
                url: file, format: .shardedSafetensors, records: loaded.records, metadata: loaded.shards.first?.metadata,
                pickle: nil)
        case .torchZip, .torchLegacy:
            let loaded = try TorchCheckpoint(contentsOf: file)
            return Checkpoint(
                url: file, format: loaded.format == .zip ? .torchZip : .torchLegacy, records: loaded.records,
                metadata: nil, pickle: loaded.root)
        }
    }

    /// Name, dtype and shape of every tensor, reading as little as possible: only the headers of
    /// safetensors files (not even mapping the data), only the pickle of torch files.
    public static func listTensors(_ url: URL) throws(CheckpointError) -> [TensorSummary] {
        let file = try resolve(url)
        func summaries(_ header: SafetensorsHeader, _ shard: URL) -> [TensorSummary] {
            header.entries.map { TensorSummary(name: $0.name, dtypeName: $0.dtypeName, shape: $0.shape, file: shard) }
        }
        switch try format(of: file) {
        case .safetensors:
            return summaries(try SafetensorsHeader.read(from: file), file)
        case .shardedSafetensors:
            let all = try ShardedSafetensors.readHeaders(indexURL: file).flatMap { summaries($0.header, $0.shard) }
            let byName = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            return try ShardedSafetensors.weightMap(file).compactMap { byName[$0.name] }
        case .torchZip, .torchLegacy:
            return try TorchCheckpoint(contentsOf: file).records.map {
                TensorSummary(name: $0.name, dtypeName: $0.dtype.safetensorsName, shape: $0.shape, file: file)
            }
        }
    }

    /// For a folder, the checkpoint file inside it (sharded index first, as transformers prefers).
    private static func resolve(_ url: URL) throws(CheckpointError) -> URL {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw CheckpointError(file: url.path, kind: .notFound, message: "no such file or folder")
        }
        guard isFolder.boolValue else { return url }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
        let preferred =
            ["model.safetensors.index.json", "model.safetensors"].first(where: names.contains)
            ?? names.first { $0.hasSuffix(".safetensors.index.json") }
            ?? (names.filter { $0.hasSuffix(".safetensors") }.count == 1 ? names.first { $0.hasSuffix(".safetensors") } : nil)
            ?? ["pytorch_model.bin"].first(where: names.contains)
        guard let preferred else {
            throw CheckpointError(
                file: url.path, kind: .notFound,
                message: "folder holds no model.safetensors(.index.json), single .safetensors file or pytorch_model.bin")
        }
        return url.appendingPathComponent(preferred)
    }

    /// By name first (`.index.json`, `.safetensors`), otherwise by content.
    private static func format(of file: URL) throws(CheckpointError) -> Format {
        if file.lastPathComponent.hasSuffix(".index.json") { return .shardedSafetensors }
        if file.pathExtension == "safetensors" { return .safetensors }
        let bytes = try FileBytes(contentsOf: file)
        if ZipDirectory.isZip(bytes.bytes) { return .torchZip }
        if bytes.count > 8, bytes.bytes[8] == UInt8(ascii: "{") { return .safetensors }
        // torch.save writes pickle protocol 2 or higher, which always opens with PROTO (0x80).
        guard bytes.count > 0, bytes.bytes[0] == 0x80 else {
            throw CheckpointError(file: file.path, kind: .unrecognizedFormat, message: "not a checkpoint: neither safetensors, "
                + "a torch zip archive nor a torch.save pickle (the file starts with \(Self.preview(bytes.bytes)))")
        }
        return .torchLegacy
    }

    /// The first bytes of a file, as text when they are printable (`“root:x:0:0:…”`), else in hex.
    static func preview(_ bytes: UnsafeRawBufferPointer) -> String {
        let head = Array(bytes.prefix(16))
        if head.isEmpty { return "nothing: it is empty" }
        if head.allSatisfy({ (0x20..<0x7F).contains($0) || $0 == 0x0A || $0 == 0x09 }) {
            let text = String(decoding: head, as: UTF8.self).replacingOccurrences(of: "\n", with: "⏎")
            return "“" + text + (bytes.count > head.count ? "…" : "") + "”"
        }
        return "bytes " + head.map { String(format: "%02x", $0) }.joined(separator: " ")
    }
}

/// A header-level description of one tensor (no data touched).
public struct TensorSummary: Sendable, Equatable {
    public let name: String
    /// The safetensors dtype code (`F32`, `BF16`, ...).
    public let dtypeName: String
    public let shape: [Int]
    /// The file holding it (a shard, for sharded checkpoints).
    public let file: URL
}
