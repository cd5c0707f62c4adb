import ModelSources
import NNModules
import Testing

/// Text models run their sample forward as transformers' callers do: `input_ids` and an `attention_mask`
/// by name (all ones: nothing is padded); other models take their input alone.
@Suite struct SampleInputTests {
    @Test(arguments: ["gpt2-tiny", "bert-tiny", "llama-tiny", "qwen2-tiny", "roberta-tiny", "distilbert-tiny"])
    func textModelsCarryAnAttentionMask(name: String) throws {
        let loaded = try ModelResolver.load(name)
        let ids = try #require(loaded.sampleInput?.first?.tensor)
        let mask = try #require(loaded.sampleKwargs["attention_mask"]?.tensor)
        #expect(mask.sizes == ids.sizes && mask.dtype == .int64)
        #expect(try mask.toDoubles().allSatisfy { $0 == 1 })
        // The model takes it by name.
        _ = try GradMode.noGrad { try loaded.module.eval().call(loaded.sampleInput ?? [], kwargs: loaded.sampleKwargs) }
    }

    @Test func otherModelsTakeTheirInputAlone() throws {
        #expect(try ModelResolver.load("lenet5").sampleKwargs.isEmpty)
    }
}
