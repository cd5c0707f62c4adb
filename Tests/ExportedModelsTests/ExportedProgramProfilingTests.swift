import ExportedModels
import GoldenSupport
import NNModules
import Profiler
import Testing

/// The existing profiler, unchanged, sees the submodules of an exported graph through their hooks.
@Suite struct ExportedProgramProfilingTests {
    @Test func profilerSeesEveryModuleThatEmitsOps() throws {
        let model = try ExportedProgramModule(contentsOf: try Goldens.url("export/custom_cnn/model.pt2"))
        let profiler = ModuleProfiler(attachingTo: model)
        defer { profiler.detach() }
        for _ in 0..<2 { _ = try model.call([.tensor(Tensor.randn([2, 3, 32, 32]))]) }
        let calls = Dictionary(profiler.snapshot().modules.map { ($0.name, $0.calls) }, uniquingKeysWith: { first, _ in first })
        for name in ["", "stem", "blocks.0", "blocks.0.conv", "blocks.0.norm", "blocks.0.act", "blocks.1.conv", "pool", "heads.cls", "heads.aux"] {
            #expect(calls[name] == 2, "\(name): \(String(describing: calls[name])) calls")
        }
        // Containers that are never called emit no op of their own: the snapshot has no entry for them.
        #expect(calls["blocks"] == nil)
    }

    @Test func forwardHooksSeeTheValuesAModuleProducesForLaterNodes() throws {
        let model = try ExportedProgramModule(contentsOf: try Goldens.url("export/custom_cnn/model.pt2"))
        var shapes: [String: [[Int]]] = [:]
        let handles = model.namedModules().map { entry in
            entry.module.registerForwardHook { _, args, output in
                shapes[entry.name] = [args.first?.tensor?.sizes ?? []] + output.flattenedTensors().map(\.tensor.sizes)
                return nil
            }
        }
        defer { handles.forEach { $0.remove() } }
        _ = try model.call([.tensor(Tensor.randn([2, 3, 32, 32]))])
        #expect(shapes["stem"] == [[2, 3, 32, 32], [2, 16, 16, 16]])
        #expect(shapes["blocks.0"] == [[2, 16, 16, 16], [2, 16, 16, 16]])
        #expect(shapes["heads.cls"] == [[2, 16], [2, 10]])
    }
}
