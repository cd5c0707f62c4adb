import Foundation
import GoldenSupport
import ModelZoo
import NNModules
import Testing

/// The zoo's models against PyTorch's own structure: `print(model)`, `named_modules()` rows with their
/// counts, `state_dict()` keys, shapes, dtypes and tied aliases, and `info.json` totals. Models with more
/// than a few thousand parameters are built on the meta device, where structure is identical and nothing
/// is allocated, so the suite stays fast in debug builds.
@Suite struct StructureGoldenTests {
    static let names = ["seed_mlp", "lenet5", "resnet18", "mobilenet_v2", "vit_b_16", "gpt2", "bert-base-uncased",
                        "llama-7b", "gpt2-tiny", "bert-tiny", "llama-tiny"]
    /// Small enough to build with real weights.
    static let builtOnCPU: Set = ["seed_mlp", "lenet5", "gpt2-tiny", "bert-tiny", "llama-tiny"]

    static func build(_ name: String) throws -> Module {
        let entry = try #require(Zoo.model(named: name))
        return try entry.build(on: builtOnCPU.contains(name) ? .cpu : .meta)
    }

    @Test(arguments: names)
    func reprMatchesPyTorch(name: String) throws {
        let golden = try StructureGolden(name)
        let model = try Self.build(name)
        #expect(model.repr() + "\n" == golden.repr)
    }

    @Test(arguments: names)
    func namedModulesRowsMatchPyTorch(name: String) throws {
        let golden = try StructureGolden(name)
        let model = try Self.build(name)
        let records = model.moduleRecords()
        #expect(records.count == golden.modules.count)
        for (record, row) in zip(records, golden.modules) {
            let mine = StructureGolden.row(record)
            for field in StructureGolden.moduleFields {
                #expect(StructureGolden.canonical(mine[field]) == StructureGolden.canonical(row[field]),
                        "\(name) row \(record.index) (\(record.name)) field \(field)")
            }
        }
    }

    @Test(arguments: names)
    func stateDictMatchesPyTorch(name: String) throws {
        let golden = try StructureGolden(name)
        let model = try Self.build(name)
        // keepVars keeps the Parameter objects themselves, so tied entries are the same object.
        let sd = try model.stateDict(keepVars: true)
        #expect(sd.keys == golden.stateDict.compactMap { $0["key"] as? String })
        var firstKey: [ObjectIdentifier: String] = [:]
        for entry in golden.stateDict {
            let key = try #require(entry["key"] as? String)
            let tensor = try #require(sd.tensor(key))
            #expect(tensor.sizes == (entry["shape"] as? [Int]), "\(key) shape")
            #expect(tensor.dtype.rawValue == (entry["dtype"] as? String), "\(key) dtype")
            #expect(tensor.count == (entry["numel"] as? Int), "\(key) numel")
            let alias = firstKey[ObjectIdentifier(tensor)]
            #expect(alias == entry["alias_of"] as? String, "\(key) alias_of")
            if alias == nil { firstKey[ObjectIdentifier(tensor)] = key }
        }
    }

    @Test(arguments: names)
    func totalsMatchInfo(name: String) throws {
        let golden = try StructureGolden(name)
        let model = try Self.build(name)
        let params = model.parameters()
        let buffers = model.buffers()
        let totals: [String: Int] = [
            "total_params": params.map(\.count).reduce(0, +),
            "trainable_params": params.filter(\.requiresGrad).map(\.count).reduce(0, +),
            "num_param_tensors": params.count,
            "num_param_tensors_with_duplicates": model.namedParameters(removeDuplicate: false).count,
            "num_named_modules": model.namedModules().count,
            "num_named_modules_with_duplicates": model.namedModules(removeDuplicate: false).count,
            "num_buffers": buffers.count,
            "buffer_numel": buffers.map(\.count).reduce(0, +),
            "state_dict_keys": try model.stateDict().count,
            "param_bytes": params.map(\.byteCount).reduce(0, +),
        ]
        for (field, value) in totals.sorted(by: { $0.key < $1.key }) {
            #expect(value == golden.info[field] as? Int, "\(name) \(field)")
        }
    }
}
