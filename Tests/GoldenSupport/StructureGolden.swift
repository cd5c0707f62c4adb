import Foundation
import ModelView
import NNModules
import Profiler
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

    /// The `named_modules()` rows of `model` as `nntop summary --json` prints them (the view's `ModuleRecord`
    /// JSON), read back as the golden's rows are.
    public static func rows(of model: Module) throws -> [[String: Any]] {
        let tree = ModelTree(module: model, name: model.typeName, source: "test")
        let encoder = ViewJSON.encoder()
        return try ModuleRecord.records(tree, index: ModelIndex(tree)).map {
            try JSONSerialization.jsonObject(with: encoder.encode($0)) as? [String: Any] ?? [:]
        }
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
