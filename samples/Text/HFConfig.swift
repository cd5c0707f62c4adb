import Foundation
import NNModules

/// Why a Hugging Face `config.json` cannot be turned into a zoo architecture.
public enum HFConfigError: Error, CustomStringConvertible, Equatable {
    case wrongType(key: String, expected: String)
    case unsupported(String)

    public var description: String {
        switch self {
        case .wrongType(let key, let expected): return "config.json: '\(key)' should be \(expected)"
        case .unsupported(let what): return "config.json: \(what) is not supported by the nntop zoo"
        }
    }
}

/// A decoded `config.json` (`JSONSerialization` output) read the way transformers' `PretrainedConfig` does:
/// absent keys (and JSON `null` where the field is not optional) take the class defaults.
public struct HFConfigReader {
    public let values: [String: Any]

    public init(_ values: [String: Any]) { self.values = values }

    /// The value of `key` unless absent or JSON null (NSNull).
    func present(_ key: String) -> Any? {
        guard let value = values[key], !(value is NSNull) else { return nil }
        return value
    }

    func int(_ key: String, _ fallback: Int) throws -> Int { try optionalInt(key) ?? fallback }

    func optionalInt(_ key: String) throws -> Int? {
        guard let value = present(key) else { return nil }
        guard let int = value as? Int else { throw HFConfigError.wrongType(key: key, expected: "an integer") }
        return int
    }

    func double(_ key: String, _ fallback: Double) throws -> Double {
        guard let value = present(key) else { return fallback }
        guard let double = value as? Double else { throw HFConfigError.wrongType(key: key, expected: "a number") }
        return double
    }

    func bool(_ key: String, _ fallback: Bool) throws -> Bool {
        guard let value = present(key) else { return fallback }
        guard let bool = value as? Bool else { throw HFConfigError.wrongType(key: key, expected: "a boolean") }
        return bool
    }

    func string(_ key: String, _ fallback: String) throws -> String {
        guard let value = present(key) else { return fallback }
        guard let string = value as? String else { throw HFConfigError.wrongType(key: key, expected: "a string") }
        return string
    }

    func strings(_ key: String) throws -> [String]? {
        guard let value = present(key) else { return nil }
        guard let strings = value as? [String] else { throw HFConfigError.wrongType(key: key, expected: "a list of strings") }
        return strings
    }

    func dictionary(_ key: String) throws -> HFConfigReader? {
        guard let value = present(key) else { return nil }
        guard let dictionary = value as? [String: Any] else { throw HFConfigError.wrongType(key: key, expected: "an object") }
        return HFConfigReader(dictionary)
    }

    /// Structure-changing options the zoo's classes do not implement must be off.
    func requireOff(_ keys: String...) throws {
        for key in keys where try bool(key, false) { throw HFConfigError.unsupported("'\(key)': true") }
    }
}

/// The Hugging Face model families the zoo implements, built from a `config.json` dictionary by `model_type`
/// (GPT-2, Llama, Qwen2 and Mistral as causal language models, BERT, RoBERTa and DistilBERT as bare encoders,
/// ViT as its `architectures` say),
/// so checkpoint folders can be instantiated before their weights are loaded.
public enum HFModels {
    public static func build(config json: [String: Any]) throws -> Module {
        let reader = HFConfigReader(json)
        switch try reader.string("model_type", "") {
        case "gpt2": return try GPT2LMHeadModel(GPT2Config(json: json))
        case "bert": return try BertModel(BertConfig(json: json))
        case "roberta": return try BertModel(BertConfig(robertaJSON: json))
        case "distilbert": return try DistilBertModel(DistilBertConfig(json: json))
        case "llama": return try LlamaForCausalLM(LlamaConfig(json: json))
        case "qwen2", "mistral": return try LlamaForCausalLM(LlamaConfig(json: json, modelType: reader.string("model_type", "")))
        case "vit": return try vit(ViTConfig(json: json), architectures: reader.strings("architectures") ?? [])
        case let other: throw HFConfigError.unsupported("model_type '\(other)'")
        }
    }

    /// The ViT class `save_pretrained` recorded, the bare `ViTModel` when none is. Other heads
    /// (`ViTForMaskedImageModeling`) have weights these classes lack, so they are refused rather than built wrong.
    static func vit(_ config: ViTConfig, architectures: [String]) throws -> Module {
        switch architectures.first {
        case "ViTForImageClassification": return try ViTForImageClassification(config)
        case "ViTModel", nil: return try ViTModel(config)
        case let other?: throw HFConfigError.unsupported("architecture '\(other)'")
        }
    }
}
