import GoldenSupport
import ModelZoo
import NNModules
import Testing

/// The forward passes call their submodules exactly as the reference implementations do: the sequence of
/// forward-hook calls (module name, class, output paths and shapes) equals `activations.jsonl`. Run on the
/// meta device: the order and shapes need no data.
@Suite struct CallOrderTests {
    struct Call: Equatable, CustomStringConvertible {
        let name: String, className: String
        let outputs: [String]
        var description: String { "\(name) \(className) \(outputs)" }
    }

    @Test(arguments: [("seed_mlp", "seed_mlp"), ("lenet5", "lenet5"), ("resnet18", "resnet18_fp16"),
                      ("gpt2-tiny", "gpt2-tiny"), ("bert-tiny", "bert-tiny"), ("llama-tiny", "llama-tiny")])
    func hookCallsMatchTheActivationGoldens(model name: String, golden folder: String) throws {
        let golden = try Goldens.jsonLines("numeric/\(folder)/activations.jsonl").map { row in
            Call(name: row["name"] as? String ?? "", className: row["class"] as? String ?? "",
                 outputs: (row["outputs"] as? [[String: Any]] ?? []).map { "\($0["path"] ?? ""):\($0["shape"] ?? "")" })
        }
        let meta = try #require(try Goldens.json("numeric/\(folder)/meta.json") as? [String: Any])
        let inputs = try #require(meta["input"] as? [String: [String: Any]])
        let model = try #require(Zoo.model(named: name)).build(on: .meta).eval()
        let arguments: [Value] = try inputs.values.map { spec in
            let dtype = try #require(DType(parsing: spec["dtype"] as? String ?? ""))
            return .tensor(Tensor.empty(spec["shape"] as? [Int] ?? [], dtype: dtype, device: .meta))
        }
        var calls: [Call] = []
        for (moduleName, module) in model.namedModules() {
            module.registerForwardHook { m, _, output in
                calls.append(Call(name: moduleName, className: m.typeName,
                                  outputs: output.flattenedTensors().map { "\($0.path):\($0.tensor.sizes)" }))
                return nil
            }
        }
        try model.call(arguments)
        #expect(calls.count == golden.count)
        for (i, (mine, theirs)) in zip(calls, golden).enumerated() {
            #expect(mine == theirs, "call \(i)")
        }
    }
}
