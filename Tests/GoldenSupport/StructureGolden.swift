import Foundation
import NNModules

/// The structure goldens of one model (`models/<name>/`): `repr.txt`, `modules.jsonl`, `state_dict.json`.
public struct StructureGolden {
    public let name: String
    public let repr: String
    public let modules: [[String: Any]]
    public let stateDict: [[String: Any]]
    public let info: [String: Any]

    public init(_ name: String) throws {
        self.name = name
        repr = try Goldens.text("models/\(name)/repr.txt")
        modules = try Goldens.jsonLines("models/\(name)/modules.jsonl")
        stateDict = try Goldens.json("models/\(name)/state_dict.json") as? [[String: Any]] ?? []
        info = try Goldens.json("models/\(name)/info.json") as? [String: Any] ?? [:]
    }

    /// The `modules.jsonl` fields a row is compared on, normalized to comparable Swift values.
    public static let moduleFields = ["index", "name", "class", "depth", "own_param_tensors", "own_param_numel",
                                      "recursive_param_numel", "recursive_trainable_numel", "own_buffer_count",
                                      "own_buffer_bytes", "params", "buffers", "children"]

    /// One `named_modules()` record as the golden's row: the `moduleFields` by their JSON names.
    public static func row(_ record: ModuleRecord) -> [String: Any] {
        [
            "index": record.index, "name": record.name, "class": record.className, "depth": record.depth,
            "own_param_tensors": record.ownParamTensors, "own_param_numel": record.ownParamNumel,
            "recursive_param_numel": record.recursiveParamNumel,
            "recursive_trainable_numel": record.recursiveTrainableNumel,
            "own_buffer_count": record.ownBufferCount, "own_buffer_bytes": record.ownBufferBytes,
            "params": record.params.map { [$0.name, $0.shape ?? [], $0.dtype.rawValue, $0.flag] as [Any] },
            "buffers": record.buffers.map { [$0.name, $0.shape ?? [], $0.dtype.rawValue, $0.flag] as [Any] },
            "children": record.children,
        ]
    }

    /// A canonical text for a JSON value (key order and number formatting normalized).
    public static func canonical(_ value: Any?) -> String {
        guard let value, !(value is NSNull) else { return "null" }
        if let data = try? JSONSerialization.data(withJSONObject: ["v": value], options: [.sortedKeys, .fragmentsAllowed]) {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(value)"
    }
}
