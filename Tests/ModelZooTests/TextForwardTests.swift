import Checkpoints
import Foundation
import GoldenSupport
import ModelZoo
import NNModules
import Testing

/// The Hugging Face families: configs decoded from `config.json`, meta-device forwards at full size, and
/// the tiny configurations run for real against the numeric goldens (weights, input and outputs recorded
/// from transformers in eval mode).
@Suite struct TextForwardTests {
    static let tiny = ["gpt2-tiny", "bert-tiny", "llama-tiny"]

    /// The output fields a model returns and their shapes for `tokens` input tokens.
    static func expectedOutputs(_ model: Module, tokens: Int) -> [String: [Int]] {
        switch model {
        case let gpt2 as GPT2LMHeadModel: return ["logits": [1, tokens, gpt2.config.vocabSize]]
        case let llama as LlamaForCausalLM: return ["logits": [1, tokens, llama.config.vocabSize]]
        case let bert as BertModel:
            return ["last_hidden_state": [1, tokens, bert.config.hiddenSize], "pooler_output": [1, bert.config.hiddenSize]]
        default: return [:]
        }
    }

    static func shapes(_ output: Value) -> [String: [Int]] {
        guard case .dict(let fields) = output else { return [:] }
        return fields.reduce(into: [:]) { $0[$1.key] = $1.value.tensor?.sizes }
    }

    @Test(arguments: ["gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl", "gpt2-tiny", "bert-base-uncased", "bert-tiny",
                      "minilm-l6", "llama-7b", "llama-13b", "llama-70b", "llama-tiny"])
    func metaForwardGivesOutputShapes(name: String) throws {
        let entry = try #require(Zoo.model(named: name))
        let model = try entry.build(on: .meta)
        let input = try entry.sampleInput(on: .meta)
        let tokens = try #require(input.first?.tensor).sizes[1]
        #expect(tokens == (name.hasSuffix("-tiny") ? 16 : 128))
        let output = try model.call(input)
        #expect(Self.shapes(output) == Self.expectedOutputs(model, tokens: tokens))
        #expect(output.flattenedTensors().allSatisfy { $0.tensor.isMeta })
    }

    /// sentence-transformers/all-MiniLM-L6-v2 (a BertModel with its pooler) has 22,713,216 parameters.
    @Test func miniLMHasTheParameterCountOfAllMiniLML6v2() throws {
        let model = try #require(Zoo.model(named: "minilm-l6")).build(on: .meta)
        #expect(model.parameters().map(\.count).reduce(0, +) == 22_713_216)
    }

    @Test(arguments: tiny)
    func metaForwardMatchesTheNumericGoldensShapes(name: String) throws {
        let meta = try #require(try Goldens.json("numeric/\(name)/meta.json") as? [String: Any])
        let model = try #require(Zoo.model(named: name)).build(on: .meta)
        let output = try model(.tensor(Tensor.empty([1, 16], dtype: .int64, device: .meta)))
        #expect(Self.shapes(output) == (meta["output"] as? [String: [Int]]))
    }

    /// Freshly built (training mode, dropout active) on the sample input: right shapes, finite values.
    @Test(arguments: tiny)
    func tinyModelsRunInTrainingMode(name: String) throws {
        let entry = try #require(Zoo.model(named: name))
        let model = try entry.build()
        #expect(model.training)
        let output = try model.call(try entry.sampleInput())
        #expect(Self.shapes(output) == Self.expectedOutputs(model, tokens: 16))
        #expect(try output.flattenedTensors().allSatisfy { try $0.tensor.toDoubles().allSatisfy { $0.isFinite } })
    }

    @Test func goldenConfigsDecodeToTheZooPresets() throws {
        func hfConfig(_ name: String) throws -> [String: Any] {
            try #require(try StructureGolden(name).info["hf_config"] as? [String: Any])
        }
        #expect(try GPT2Config(json: hfConfig("gpt2")) == .gpt2)
        #expect(try GPT2Config(json: hfConfig("gpt2-tiny")) == .tiny)
        #expect(try BertConfig(json: hfConfig("bert-base-uncased")) == .base)
        #expect(try BertConfig(json: hfConfig("bert-tiny")) == .tiny)
        #expect(try LlamaConfig(json: hfConfig("llama-7b")) == .llama7B)
        #expect(try LlamaConfig(json: hfConfig("llama-tiny")) == .tiny)
    }

    @Test(arguments: tiny)
    func checkpointConfigBuildsTheArchitecture(name: String) throws {
        let json = try #require(try Goldens.json("numeric/\(name)/config.json") as? [String: Any])
        let model = try TensorDefaults.$device.withValue(.meta) { try HFModels.build(config: json) }
        #expect(model.repr() + "\n" == (try StructureGolden(name).repr))
    }

    @Test func unsupportedConfigsAreRefused() {
        #expect(throws: HFConfigError.unsupported("model_type 't5'")) { try HFModels.build(config: ["model_type": "t5"]) }
        #expect(throws: HFConfigError.wrongType(key: "n_layer", expected: "an integer")) {
            try GPT2Config(json: ["n_layer": "twelve"])
        }
        #expect(throws: HFConfigError.unsupported("rope_type 'llama3'")) {
            try LlamaConfig(json: ["rope_parameters": ["rope_theta": 500000.0, "rope_type": "llama3"]])
        }
    }

    /// Published parameter counts of the configurations without structure goldens.
    @Test(arguments: [("gpt2-medium", 354_823_168), ("gpt2-large", 774_030_080), ("gpt2-xl", 1_557_611_200),
                      ("llama-13b", 13_015_864_320), ("llama-70b", 68_976_648_192)])
    func parameterCounts(name: String, count: Int) throws {
        let model = try #require(Zoo.model(named: name)).build(on: .meta)
        #expect(model.parameters().map(\.count).reduce(0, +) == count)
    }

    @Test func bigConfigurationsBuildOnMetaByDefault() throws {
        let meta = Set(Zoo.models.filter(\.buildsOnMeta).map(\.name))
        #expect(meta == ["gpt2-large", "gpt2-xl", "llama-7b", "llama-13b", "llama-70b"])
        let model = try #require(Zoo.model(named: "llama-70b")).build()
        #expect(model.parameters().allSatisfy { $0.isMeta })
        let llama = try #require(model as? LlamaForCausalLM)
        #expect(llama.config.numKeyValueHeads == 8)
    }

    @Test func gpt2TiesItsHeadToTheTokenEmbedding() throws {
        let model = try #require(Zoo.model(named: "gpt2-tiny")).build()
        let head = try model.getParameter("lm_head.weight"), wte = try model.getParameter("transformer.wte.weight")
        #expect(head === wte)
        #expect(!head.isMeta)
    }
}

extension Value {
    /// A model-output field by name, for tests.
    func field(named key: String) throws -> Tensor? {
        guard case .dict(let fields) = self else { return nil }
        return fields[key]?.tensor
    }
}
