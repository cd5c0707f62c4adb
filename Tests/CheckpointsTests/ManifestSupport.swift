import Foundation
import GoldenSupport
import Testing
@testable import Checkpoints

/// Reading `checkpoints/manifest.json`, the ground truth recorded from PyTorch and safetensors.
enum Manifest {
    static func root() throws -> [String: Any] {
        try #require(try Goldens.json("checkpoints/manifest.json") as? [String: Any])
    }

    static func torchCheckpoints() throws -> [[String: Any]] {
        try #require(try root()["torch_checkpoints"] as? [[String: Any]])
    }

    static func safetensors() throws -> [[String: Any]] {
        try #require(try root()["safetensors"] as? [[String: Any]])
    }

    /// A JSON number, or one of the strings the goldens use for non-finite values.
    static func number(_ value: Any) -> Double? {
        switch value {
        case let text as String:
            ["NaN": Double.nan, "Infinity": .infinity, "-Infinity": -.infinity][text]
        case let number as NSNumber:
            number.doubleValue
        default:
            nil
        }
    }

    static func ints(_ value: Any?) -> [Int]? {
        (value as? [Any])?.compactMap { ($0 as? NSNumber)?.intValue }
    }

    /// Checks one record against a recorded tensor (`shape`, `dtype`, `stride`, `storage_offset`, `values_flat`).
    static func expectMatches(_ record: TensorRecord, _ expected: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(record.shape == ints(expected["shape"]), "\(record.name) shape", sourceLocation: sourceLocation)
        #expect(record.dtype.torchName == expected["dtype"] as? String, "\(record.name) dtype", sourceLocation: sourceLocation)
        #expect(record.strides == ints(expected["stride"]), "\(record.name) stride", sourceLocation: sourceLocation)
        #expect(record.storageOffset == (expected["storage_offset"] as? NSNumber)?.intValue, "\(record.name) offset", sourceLocation: sourceLocation)
        let values = (expected["values_flat"] as? [Any] ?? []).compactMap(number)
        let actual = record.elementValues()
        #expect(actual.count == values.count, "\(record.name) count", sourceLocation: sourceLocation)
        // Foundation's JSON parser on Linux can be off by an ulp of a Double; the stored values are exact.
        for (got, want) in zip(actual, values) where !(got.isNaN && want.isNaN) {
            #expect(abs(got - want) <= 4 * want.ulp, "\(record.name) value \(got) vs \(want)", sourceLocation: sourceLocation)
        }
    }
}
