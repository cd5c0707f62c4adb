import Foundation
import ZIPFoundation

/// Well-formed inputs for `Fuzz` built in code, so the fuzz loop needs no files: a safetensors file, a
/// state-dict pickle, that pickle as a torch zip (stored and deflated) and as a legacy file.
enum FuzzSeeds {
    static func all() -> [[UInt8]] {
        let pickle = stateDictPickle(storageKey: "0")
        let storage = (0..<6).flatMap { withUnsafeBytes(of: Float($0).bitPattern.littleEndian, Array.init) }
        var seeds = [safetensors(), pickle, legacy(storage: storage)]
        for method in [CompressionMethod.none, .deflate] {
            if let zip = zip(["archive/data.pkl": pickle, "archive/byteorder": Array("little".utf8),
                              "archive/data/0": storage], method: method) {
                seeds.append(zip)
            }
        }
        return seeds
    }

    private static func safetensors() -> [UInt8] {
        let tensors: [String: SafetensorsWriter.Tensor] = [
            "a": .init(dtype: .f32, shape: [2, 2], bytes: Data(count: 16)),
            "b": .init(dtype: .bf16, shape: [3], bytes: Data(count: 6)),
            "c": .init(dtype: .i64, shape: [], bytes: Data(count: 8)),
        ]
        return (try? Array(SafetensorsWriter.serialize(tensors: tensors, metadata: ["format": "pt"]))) ?? []
    }

    /// `OrderedDict({"w": tensor[2,3] on storage key, "v": view of it with stride 3})`, protocol 2, as torch writes it.
    private static func stateDictPickle(storageKey: String) -> [UInt8] {
        var out: [UInt8] = [0x80, 2]
        func global(_ module: String, _ name: String) { out += [UInt8(ascii: "c")] + Array("\(module)\n\(name)\n".utf8) }
        func string(_ text: String) {
            out += [UInt8(ascii: "X")] + withUnsafeBytes(of: UInt32(text.utf8.count).littleEndian, Array.init) + Array(text.utf8)
        }
        func small(_ value: UInt8) { out += [UInt8(ascii: "K"), value] }
        func tensor(offset: UInt8, size: [UInt8], stride: [UInt8]) {
            global("torch._utils", "_rebuild_tensor_v2")
            out += [UInt8(ascii: "("), UInt8(ascii: "(")]
            string("storage")
            global("torch", "FloatStorage")
            string(storageKey)
            string("cpu")
            small(6)
            out += [UInt8(ascii: "t"), UInt8(ascii: "Q")]
            small(offset)
            out += [UInt8(ascii: "(")]
            size.forEach(small)
            out += [UInt8(ascii: "t"), UInt8(ascii: "(")]
            stride.forEach(small)
            out += [UInt8(ascii: "t"), 0x89]
            global("collections", "OrderedDict")
            out += [UInt8(ascii: ")"), UInt8(ascii: "R"), UInt8(ascii: "t"), UInt8(ascii: "R")]
        }
        global("collections", "OrderedDict")
        out += [UInt8(ascii: ")"), UInt8(ascii: "R"), UInt8(ascii: "q"), 0, UInt8(ascii: "(")]
        string("w")
        tensor(offset: 0, size: [2, 3], stride: [3, 1])
        string("v")
        tensor(offset: 1, size: [2], stride: [3])
        out += [UInt8(ascii: "u"), UInt8(ascii: "}"), UInt8(ascii: "b"), UInt8(ascii: ".")]
        return out
    }

    private static func legacy(storage: [UInt8]) -> [UInt8] {
        let magic: [UInt8] = [0x80, 2, 0x8A, 10, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, UInt8(ascii: ".")]
        let version: [UInt8] = [0x80, 2, UInt8(ascii: "M"), 0xE9, 0x03, UInt8(ascii: ".")]
        let info: [UInt8] = [0x80, 2, UInt8(ascii: "}"), UInt8(ascii: "U"), 13] + Array("little_endian".utf8) + [0x88, UInt8(ascii: "s"), UInt8(ascii: ".")]
        let keys: [UInt8] = [0x80, 2, UInt8(ascii: "]"), UInt8(ascii: "U"), 1, UInt8(ascii: "0"), UInt8(ascii: "a"), UInt8(ascii: ".")]
        let count = withUnsafeBytes(of: Int64(6).littleEndian, Array.init)
        return magic + version + info + stateDictPickle(storageKey: "0") + keys + count + storage
    }

    private static func zip(_ entries: [String: [UInt8]], method: CompressionMethod) -> [UInt8]? {
        guard let archive = try? Archive(data: Data(), accessMode: .create) else { return nil }
        for (name, bytes) in entries.sorted(by: { $0.key < $1.key }) {
            let data = Data(bytes)
            try? archive.addEntry(
                with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: method,
                provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
        }
        return archive.data.map(Array.init)
    }
}
