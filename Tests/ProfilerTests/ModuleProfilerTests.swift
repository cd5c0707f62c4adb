import Foundation
import ModelView
import NNModules
import Profiler
import Synchronization
import Testing

/// A clock that only moves when a test module "works", so latencies are exact.
final class ManualClock: ProfilerClock {
    let now = Mutex<UInt64>(0)
    func nanoseconds() -> UInt64 { now.withLock { $0 } }
    func advance(_ ns: UInt64) { now.withLock { $0 += ns } }
}

/// Takes `cost` nanoseconds of the manual clock and returns its input plus one.
final class Worker: Module {
    let clock: ManualClock
    let cost: UInt64
    init(_ clock: ManualClock, _ cost: UInt64) {
        self.clock = clock
        self.cost = cost
        super.init()
    }
    override func forward(_ input: Tensor) throws -> Tensor {
        clock.advance(cost)
        return try input + 1.0
    }
}

@Suite struct ModuleProfilerTests {
    @Test func selfAndInclusiveTimesNestLikeTheModuleTree() throws {
        let clock = ManualClock()
        let model = Sequential(Worker(clock, 2_000_000), Sequential(Worker(clock, 3_000_000), Worker(clock, 5_000_000)))
        let profiler = ModuleProfiler(attachingTo: model, clock: clock)
        _ = try model(Tensor.zeros([2]))
        let snapshot = profiler.snapshot()
        let rows = Dictionary(uniqueKeysWithValues: snapshot.modules.map { ($0.name, $0) })
        #expect(try #require(rows[""]).inclusive.window.p50 == 10)
        #expect(try #require(rows[""]).selfTime.window.p50 == 0)
        #expect(try #require(rows["1"]).inclusive.window.p50 == 8)
        #expect(try #require(rows["1.1"]).selfTime.window.p50 == 5)
        #expect(snapshot.runner.forwards == 1)
        #expect(try #require(rows[""]).historyMs == [10])
    }

    @Test func sharedModuleIsHookedOnceAndCountedPerCall() throws {
        let clock = ManualClock()
        let shared = Worker(clock, 1_000_000)
        let model = Sequential(shared, Worker(clock, 1_000_000), shared)
        let profiler = ModuleProfiler(attachingTo: model, clock: clock)
        _ = try model(Tensor.zeros([1]))
        let snapshot = profiler.snapshot()
        #expect(snapshot.modules.map(\.name) == ["", "0", "1"])
        #expect(snapshot.modules[1].calls == 2)
        #expect(snapshot.modules[1].callsPerForward == 2)
        // Per forward, both calls count in full: the root's self time is what no module accounts for.
        #expect(snapshot.modules[1].inclusive.window.p50 == 2)
        #expect(snapshot.modules[0].selfTime.window.p50 == 0)
        #expect(shared.forwardHookCount == 1)
    }

    @Test func detachLeavesTheModelAsItWas() throws {
        let model = try Sequential(Linear(2, 3), ReLU(), Dropout(p: 0.1))
        let before = try model.stateDict().keys
        let profiler = ModuleProfiler(attachingTo: model)
        _ = try model(Tensor.ones([1, 2]))
        profiler.detach()
        for m in model.modules() {
            #expect(m.forwardHookCount == 0 && m.forwardPreHookCount == 0)
        }
        #expect(try model.stateDict().keys == before)
        #expect(model.training)
    }

    @Test func detachThenResumeContinuesTheMeasurements() throws {
        let clock = ManualClock()
        let model = Sequential(Worker(clock, 1_000_000))
        let profiler = ModuleProfiler(attachingTo: model, clock: clock)
        _ = try model(Tensor.zeros([2]))
        profiler.detach()
        _ = try model(Tensor.zeros([2]))
        #expect(profiler.forwards == 1)
        #expect(model.modules().allSatisfy { $0.forwardHookCount == 0 && $0.forwardPreHookCount == 0 })
        profiler.resume()
        profiler.resume()
        _ = try model(Tensor.zeros([2]))
        #expect(profiler.forwards == 2)
        #expect(model.modules().allSatisfy { $0.forwardHookCount == 1 && $0.forwardPreHookCount == 1 })
        #expect(profiler.snapshot().modules.first?.historyMs == [1, 1])
    }

    @Test func outputStatisticsFollowTorchDefinitions() throws {
        let t = Tensor([1, 2, 3, 0, .nan, .infinity], shape: [2, 3])
        let finite = ActivationStatistics.of(Tensor([1, 2, 3, 0], shape: [4]), path: "")
        #expect(finite.mean == 1.5)
        #expect(abs(finite.std - (5.0 / 3.0).squareRoot()) < 1e-12)
        #expect(finite.min == 0 && finite.max == 3)
        #expect(finite.zeroFraction == 0.25)
        let bad = ActivationStatistics.of(t, path: "0")
        #expect(bad.nanCount == 1 && bad.infCount == 1)
        #expect(bad.mean.isNaN)
        #expect(bad.shape == [2, 3] && bad.dtype == "float32" && bad.bytes == 24)
    }

    /// A container that is never called itself (`ModuleList`) must not hide its children from its caller:
    /// the caller's self time excludes every module call made inside it.
    @Test func selfTimeExcludesModulesReachedThroughAnUncalledContainer() throws {
        final class Stack: Module {
            let clock: ManualClock
            init(_ clock: ManualClock) throws {
                self.clock = clock
                super.init()
                try registerModule("h", ModuleList([Worker(clock, 2_000_000), Worker(clock, 3_000_000)]))
            }
            override func forward(_ input: Tensor) throws -> Tensor {
                clock.advance(1_000_000)
                var x = input
                for block in try getSubmodule("h").children() { x = try block.call([.tensor(x)]).tensor! }
                return x
            }
        }
        let clock = ManualClock()
        let model = try Stack(clock)
        let profiler = ModuleProfiler(attachingTo: model, clock: clock)
        _ = try model(Tensor.zeros([1]))
        let rows = Dictionary(uniqueKeysWithValues: profiler.snapshot().modules.map { ($0.name, $0) })
        #expect(try #require(rows[""]).selfTime.window.p50 == 1)
        #expect(try #require(rows[""]).inclusive.window.p50 == 6)
        #expect(rows["h"] == nil, "never called")
    }

    @Test func sharesAddUpToTheWholeForward() throws {
        let clock = ManualClock()
        let shared = Worker(clock, 1_000_000)
        let model = Sequential(shared, Sequential(Worker(clock, 3_000_000), shared), Worker(clock, 2_000_000))
        let profiler = ModuleProfiler(attachingTo: model, clock: clock)
        for _ in 0..<3 { _ = try model(Tensor.zeros([1])) }
        let tree = ModelTree(module: model, name: "Sequential", source: "test")
        let figures = Figures(index: ModelIndex(tree), snapshot: profiler.snapshot())
        let total = tree.modules.indices.compactMap { figures.share($0) }.reduce(0, +)
        #expect(abs(total - 1) < 1e-12, "shares add up to \(total)")
        #expect(figures.share(1) == 2.0 / 7.0, "the shared module's two calls per forward")
    }

    @Test func inputStatisticsAreOptional() throws {
        let model = Sequential(ReLU())
        var options = ModuleProfiler.Options()
        options.inputStatistics = true
        let profiler = ModuleProfiler(attachingTo: model, options: options)
        _ = try model(Tensor([-1, 2], shape: [2]))
        let relu = profiler.snapshot().modules[1]
        #expect(relu.inputs.map(\.path) == ["0"])
        #expect(relu.inputs.first?.min == -1 && relu.outputs.first?.min == 0)
        let plain = ModuleProfiler(attachingTo: Sequential(ReLU()))
        #expect(plain.snapshot().modules.allSatisfy { $0.inputs.isEmpty })
    }

    @Test func firstNonFiniteModuleIsReportedInExecutionOrder() throws {
        final class Poison: Module {
            override func forward(_ input: Tensor) throws -> Tensor { try input / 0.0 }
        }
        let model = Sequential(ReLU(), Poison(), Tanh())
        let profiler = ModuleProfiler(attachingTo: model)
        _ = try model(Tensor.ones([3]))
        #expect(profiler.snapshot().firstNonFinite == "1")
    }
}

@Suite struct OverheadBenchmarkTests {
    @Test func measuresAllThreeVariantsAndLeavesNoHooks() throws {
        let model = Sequential(Linear(8, 8), ReLU(), Linear(8, 2))
        let result = try OverheadBenchmark.run(model: model, inputs: [.tensor(Tensor.ones([4, 8]))], runs: 3)
        #expect(result.hookCallsPerForward == 8, "4 modules, a pre and a post hook each")
        #expect(result.plainMedianMs > 0 && result.hookedMedianMs > 0 && result.statisticsMedianMs > 0)
        #expect(model.modules().allSatisfy { $0.forwardHookCount == 0 && $0.forwardPreHookCount == 0 })
    }
}
