import Foundation
import GoldenSupport
import ModelZoo
import ModelView
import NNModules
import Profiler
import Testing

/// MACs per leaf module against torchinfo's counts (`models/<name>/macs.jsonl`), computed on the meta
/// device so the big vision models need no compute.
@Suite struct MACGoldenTests {
    @Test(arguments: ["seed_mlp", "lenet5", "resnet18", "mobilenet_v2"])
    func leafMACsMatchTorchinfo(name: String) throws {
        let entry = try #require(Zoo.model(named: name))
        let golden = try Goldens.jsonLines("models/\(name)/macs.jsonl")
        let info = try #require(try Goldens.json("models/\(name)/info.json") as? [String: Any])
        let inputShape = try #require((info["torchinfo_input"] as? [String: Any])?["shape"] as? [Int])
        let model = try entry.build(on: .meta)
        model.eval()
        let profiler = ModuleProfiler(attachingTo: model)
        _ = try model(Tensor.empty(inputShape, device: .meta))
        let rows = Dictionary(uniqueKeysWithValues: profiler.snapshot().modules.map { ($0.name, $0) })
        var total = 0
        for line in golden {
            let module = try #require(line["name"] as? String)
            let row = try #require(rows[module], "\(module) profiled")
            // One forward: FLOPs per forward are 2 × the MACs of all its calls, torchinfo's summed figure.
            let macs = (row.flops ?? 0) / 2
            #expect(macs == line["macs"] as? Int, "\(name) \(module)")
            #expect(row.calls == line["calls"] as? Int, "\(name) \(module) calls")
            total += macs
        }
        #expect(total == golden.map { $0["macs"] as? Int ?? 0 }.reduce(0, +))
    }
}

@Suite struct AttentionMACTests {
    /// GPT-2 small at 128 tokens: each block's attention adds 2·128·128·768 MACs for QKᵀ and A·V.
    @Test func gpt2AttentionCountsItsMatmuls() throws {
        let entry = try #require(Zoo.model(named: "gpt2"))
        let model = try entry.build(on: .meta)
        model.eval()
        let profiler = ModuleProfiler(attachingTo: model)
        _ = try model.call(try entry.sampleInput(on: .meta))
        let rows = Dictionary(uniqueKeysWithValues: profiler.snapshot().modules.map { ($0.name, $0) })
        #expect(try #require(rows["transformer.h.0.attn"]).flops == 2 * 2 * 128 * 128 * 768)
        #expect(try #require(rows["transformer.h.0.attn.c_attn"]).flops == 2 * 128 * (768 * 2304 + 2304))
    }

    @Test func multiheadAttentionCountsItsMatmuls() throws {
        let mha = try MultiheadAttention(8, 2, batchFirst: true)
        let profiler = ModuleProfiler(attachingTo: mha)
        let x = Tensor.randn([3, 5, 8])
        _ = try mha.call([.tensor(x), .tensor(x), .tensor(x)])
        // QKᵀ and A·V, then the packed q/k/v projections of 15 tokens each with their biases.
        #expect(profiler.snapshot().modules[0].flops == 2 * (2 * 3 * 5 * 5 * 8 + 3 * 15 * 8 * 8 + 3 * 15 * 8))
    }
}
