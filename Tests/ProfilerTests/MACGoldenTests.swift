import Foundation
import GoldenSupport
import ModelZoo
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
        let rows = Dictionary(uniqueKeysWithValues: profiler.report().rows.map { ($0.name, $0) })
        var total = 0
        for line in golden {
            let module = try #require(line["name"] as? String)
            let row = try #require(rows[module], "\(module) profiled")
            let macsPerCall = (line["macs"] as? Int ?? 0) / max(line["calls"] as? Int ?? 1, 1)
            #expect(row.macs == macsPerCall, "\(name) \(module)")
            #expect(row.calls == line["calls"] as? Int, "\(name) \(module) calls")
            total += row.macs * row.calls
        }
        #expect(total == golden.map { $0["macs"] as? Int ?? 0 }.reduce(0, +))
    }
}
