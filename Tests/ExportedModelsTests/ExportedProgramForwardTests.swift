import Checkpoints
@testable import ExportedModels
import GoldenSupport
import NNModules
import Testing

/// The graph interpreter against PyTorch's eager outputs, for the training IR and core ATen dialects.
@Suite struct ExportedProgramForwardTests {
    static func tensors(_ path: String) throws -> [String: Tensor] {
        let records = try Goldens.tensors(path)
        let names = records.keys.sorted()
        return Dictionary(uniqueKeysWithValues: zip(names, Tensor.fromRecords(names.compactMap { records[$0] }).map(\.tensor)))
    }

    /// Runs a case on its golden inputs (by the forward's argument names); outputs by PyTorch's names, as
    /// the eager model returns them (a tensor, a tuple, or a model output's fields).
    static func run(_ name: String) throws -> (model: ExportedProgramModule, outputs: [String: Tensor]) {
        let model = try ExportedProgramModule(contentsOf: try Goldens.url("export/\(name)/model.pt2"))
        let inputs = try tensors("export/\(name)/input.safetensors")
        let arguments = try model.inputNames.map { name in Value.tensor(try #require(inputs[name], "input \(name)")) }
        let output = try model.call(arguments)
        let named = output.tensor.map { ["output": $0] }
            ?? Dictionary(output.flattenedTensors().map { ($0.path, $0.tensor) }, uniquingKeysWith: { first, _ in first })
        #expect(Set(named.keys) == Set(model.outputNames))
        return (model, named)
    }

    @Test(arguments: ExportedProgramStructureTests.cases)
    func outputsMatchPyTorch(name: String) throws {
        let (_, outputs) = try Self.run(name)
        let expected = try Self.tensors("export/\(name)/output.safetensors")
        #expect(Set(outputs.keys) == Set(expected.keys))
        for (key, reference) in expected {
            let actual = try #require(outputs[key])
            #expect(actual.sizes == reference.sizes, "\(name) \(key) shape")
            let worst = zip(try actual.toDoubles(), try reference.toDoubles()).map { got, want in
                abs(got - want) - 1e-4 * abs(want)
            }.max() ?? 0
            #expect(worst <= 1e-4, "\(name) \(key): |Δ| - rtol·|ref| reaches \(worst)")
        }
    }

    @Test func sampleInputsComeFromTheArchive() throws {
        let archive = try ExportedProgramArchive(contentsOf: try Goldens.url("export/custom_cnn/model.pt2"))
        let samples = try #require(archive.sampleInputs)
        #expect(samples.map(\.name) == ["x"])
        #expect(samples.first?.record.shape == [2, 3, 32, 32])
    }

    @Test func anInputOfAnotherShapeThanExportedIsAClearError() throws {
        let model = try ExportedProgramModule(contentsOf: try Goldens.url("export/tiny_lm/model.pt2"))
        do {
            _ = try model.call([.tensor(Tensor.zeros([3, 16], dtype: .int64))])
            Issue.record("an input of another shape ran")
        } catch {
            #expect("\(error)" == "input `idx` has shape [3, 16], but the graph was exported for [2, 16] (only dimensions exported as dynamic may change)")
        }
    }

    @Test func anUnimplementedOpNamesTheOpAndTheModule() throws {
        var kernels = ATenOps.kernels
        kernels["aten.group_norm.default"] = nil
        let archive = try ExportedProgramArchive(contentsOf: try Goldens.url("export/custom_cnn/model.pt2"))
        let model = try ExportedProgramModule(archive: archive, kernels: kernels)
        // The tree is there even though the graph cannot run.
        #expect(try model.getSubmodule("blocks.0.norm").typeName == "GroupNorm")
        do {
            _ = try model.call([.tensor(Tensor.zeros([2, 3, 32, 32]))])
            Issue.record("a graph with an unimplemented op ran")
        } catch {
            #expect("\(error)" == "aten.group_norm.default (in module `blocks.0.norm`) is not implemented in nntop")
        }
    }
}
