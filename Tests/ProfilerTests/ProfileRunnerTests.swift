import Foundation
import ModelView
import NNModules
import Profiler
import Testing

@Suite struct ProfileRunnerTests {
    @Test func runsTheRequestedNumberOfForwardsAndDetaches() throws {
        let model = Sequential(Linear(4, 3), ReLU())
        let runner = ProfileRunner(model: model, inputs: [.tensor(Tensor.ones([2, 4]))])
        runner.start(runs: 5, warmup: 2)
        runner.waitUntilFinished()
        let snapshot = try #require(runner.snapshot)
        #expect(snapshot.runner.forwards == 5, "warm-up passes are not measured")
        #expect(snapshot.runner.state == .finished)
        #expect(model.modules().allSatisfy { $0.forwardHookCount == 0 && $0.forwardPreHookCount == 0 })
    }

    @Test func commandsTakeEffectBeforeTheNextForward() throws {
        let model = Sequential(Linear(4, 3), try Dropout(p: 0.5))
        let runner = ProfileRunner(model: model, inputs: [.tensor(Tensor.ones([2, 4]))])
        runner.send(.setPaused(true))
        runner.start()
        runner.send(.modify { $0.eval() })
        runner.send(.modify { model in try model.getParameter("0.weight").requiresGrad = false })
        runner.send(.setPaused(false))
        let deadline = Date().addingTimeInterval(10)
        while (runner.snapshot?.runner.forwards ?? 0) < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        runner.stop()
        let snapshot = try #require(runner.snapshot)
        #expect(!model.training)
        #expect(model.parameters().first?.requiresGrad == false)
        #expect(snapshot.runner.forwards >= 2)
    }

    @Test func pausedRunnerRunsNothingAndSaysSo() throws {
        let model = Sequential(Linear(4, 3))
        let runner = ProfileRunner(model: model, inputs: [.tensor(Tensor.ones([2, 4]))])
        runner.start()
        let deadline = Date().addingTimeInterval(10)
        while (runner.snapshot?.runner.forwards ?? 0) < 1 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        runner.send(.setPaused(true))
        while runner.snapshot?.runner.state != .paused && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let paused = try #require(runner.snapshot)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(runner.snapshot?.runner.forwards == paused.runner.forwards)
        #expect(paused.runner.runsPerSecond == 0, "a paused runner shows no rate")
        runner.stop()
    }

    @Test func aFailingForwardIsReportedWithTheModule() throws {
        let model = Sequential(Linear(4, 3), Linear(5, 2))
        let runner = ProfileRunner(model: model, inputs: [.tensor(Tensor.ones([1, 4]))])
        runner.start(runs: 3)
        runner.waitUntilFinished()
        let snapshot = try #require(runner.snapshot)
        #expect(snapshot.runner.state == .failed)
        #expect(snapshot.runner.message?.contains("mat1 and mat2 shapes cannot be multiplied (1x3 and 5x2)") == true)
        #expect(snapshot.failedModule == "1")
    }

    @Test func aMetaModelRunsShapesOnly() throws {
        let model = try Sequential(Linear(4, 3)).to(device: .meta)
        let runner = ProfileRunner(model: model, inputs: [.tensor(Tensor.empty([2, 4], device: .meta))])
        runner.start(runs: 2)
        runner.waitUntilFinished()
        #expect(runner.snapshot?.runner.shapesOnly == true)
    }
}
