import Foundation

/// A minimal reader for the goldens' `.safetensors` files (8-byte little-endian header length, JSON header,
/// raw little-endian data), so tests can compare against recorded inputs, weights and outputs. Values are
/// widened to Double; F32, F16, I64 and I32 are the dtypes the goldens use.
public struct SafeTensors {
    public struct Entry {
        public let dtype: String
        public let shape: [Int]
        public let values: [Double]
    }

    public let entries: [String: Entry]

    public init(_ relativePath: String) throws {
        let data = try Goldens.data(relativePath)
        let headerLength = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as? [String: Any] ?? [:]
        let body = data.subdata(in: (8 + headerLength)..<data.count)
        var entries: [String: Entry] = [:]
        for (name, info) in header where name != "__metadata__" {
            guard let info = info as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int] else { continue }
            let bytes = body.subdata(in: offsets[0]..<offsets[1])
            entries[name] = Entry(dtype: dtype, shape: shape, values: try SafeTensors.decode(bytes, dtype))
        }
        self.entries = entries
    }

    public subscript(name: String) -> Entry? { entries[name] }

    struct UnsupportedDType: Error { let dtype: String }

    static func decode(_ bytes: Data, _ dtype: String) throws -> [Double] {
        try bytes.withUnsafeBytes { raw -> [Double] in
            switch dtype {
            case "F32": return raw.bindMemory(to: Float.self).map(Double.init)
            case "F16": return raw.bindMemory(to: UInt16.self).map { Double(Float(Float16(bitPattern: $0))) }
            case "I64": return raw.bindMemory(to: Int64.self).map(Double.init)
            case "I32": return raw.bindMemory(to: Int32.self).map(Double.init)
            default: throw UnsupportedDType(dtype: dtype)
            }
        }
    }
}
