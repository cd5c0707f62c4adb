import Foundation
import GoldenSupport
import ModelZoo
import NNModules
import Testing

/// The zoo's models against PyTorch's own structure: `print(model)`, `named_modules()` rows with their
/// counts, and `state_dict()` keys, shapes and dtypes.
@Suite struct StructureGoldenTests {
    static let names = ["seed_mlp", "lenet5"]

    @Test(arguments: names)
    func reprMatchesPyTorch(name: String) throws {
        let golden = try StructureGolden(name)
        let model = try #require(Zoo.model(named: name)).build()
        #expect(model.repr() + "\n" == golden.repr)
    }

    @Test(arguments: names)
    func namedModulesRowsMatchPyTorch(name: String) throws {
        let golden = try StructureGolden(name)
        let model = try #require(Zoo.model(named: name)).build()
        let records = model.moduleRecords()
        #expect(records.count == golden.modules.count)
        for (record, row) in zip(records, golden.modules) {
            let mine: [String: Any] = [
                "index": record.index, "name": record.name, "class": record.className, "depth": record.depth,
                "own_param_tensors": record.ownParamTensors, "own_param_numel": record.ownParamNumel,
                "recursive_param_numel": record.recursiveParamNumel,
                "recursive_trainable_numel": record.recursiveTrainableNumel,
                "own_buffer_count": record.ownBufferCount, "own_buffer_bytes": record.ownBufferBytes,
                "params": record.params.map { [$0.name, $0.shape ?? [], $0.dtype.rawValue, $0.flag] as [Any] },
                "buffers": record.buffers.map { [$0.name, $0.shape ?? [], $0.dtype.rawValue, $0.flag] as [Any] },
                "children": record.children,
            ]
            for field in StructureGolden.moduleFields {
                #expect(StructureGolden.canonical(mine[field]) == StructureGolden.canonical(row[field]),
                        "\(name) row \(record.index) (\(record.name)) field \(field)")
            }
        }
    }

    @Test(arguments: names)
    func stateDictMatchesPyTorch(name: String) throws {
        let golden = try StructureGolden(name)
        let model = try #require(Zoo.model(named: name)).build()
        let sd = try model.stateDict()
        #expect(sd.keys == golden.stateDict.compactMap { $0["key"] as? String })
        for entry in golden.stateDict {
            let key = try #require(entry["key"] as? String)
            let tensor = try #require(sd.tensor(key))
            #expect(tensor.sizes == (entry["shape"] as? [Int]), "\(key) shape")
            #expect(tensor.dtype.rawValue == (entry["dtype"] as? String), "\(key) dtype")
            #expect(tensor.count == (entry["numel"] as? Int), "\(key) numel")
        }
    }

    @Test(arguments: names)
    func totalsMatchInfo(name: String) throws {
        let golden = try StructureGolden(name)
        let model = try #require(Zoo.model(named: name)).build()
        let params = model.parameters()
        #expect(params.map(\.count).reduce(0, +) == golden.info["total_params"] as? Int)
        #expect(params.count == golden.info["num_param_tensors"] as? Int)
        #expect(model.namedModules().count == golden.info["num_named_modules"] as? Int)
    }
}
