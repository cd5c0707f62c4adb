import Checkpoints
import GoldenSupport
import NNModules
import Testing

@Suite struct RandIntTests {
    /// The language-model goldens drew `torch.randint(0, vocab, (1, 16), generator=Generator().manual_seed(1))`.
    @Test(arguments: ["gpt2-tiny", "bert-tiny", "llama-tiny"])
    func matchesPyTorchsDraws(name: String) throws {
        let golden = try #require(try Goldens.tensors("numeric/\(name)/input.safetensors")["input_ids"])
        var generator = MersenneTwister(seed: 1)
        let ids = try Tensor.randint(0, 1000, golden.shape, generator: &generator)
        #expect(ids.dtype == .int64)
        #expect(try ids.toDoubles() == golden.elementValues())
    }

    @Test func staysInRangeAndFollowsTheDefaultDevice() throws {
        let values = try Tensor.randint(-3, 3, [100]).toDoubles()
        #expect(values.allSatisfy { $0 >= -3 && $0 < 3 })
        let meta = try TensorDefaults.$device.withValue(.meta) { try Tensor.randint(0, 10, [1, 128]) }
        #expect(meta.isMeta && meta.sizes == [1, 128])
        #expect(throws: TorchError.self) { try Tensor.randint(5, 5, [1]) }
    }
}
