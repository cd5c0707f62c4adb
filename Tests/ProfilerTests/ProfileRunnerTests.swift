import Foundation
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
        #expect(snapshot.runs == 5)
        #expect(snapshot.report.forwardPasses == 5, "warm-up passes are not measured")
        #expect(snapshot.state == .finished)
        #expect(model.modules().allSatisfy { $0.forwardHookCount == 0 && $0.forwardPreHookCount == 0 })
    }

    @Test func commandsTakeEffectBeforeTheNextForward() throws {
        let model = Sequential(Linear(4, 3), try Dropout(p: 0.5))
        let runner = ProfileRunner(model: model, inputs: [.tensor(Tensor.ones([2, 4]))])
        runner.setPaused(true)
        runner.start()
        runner.perform { $0.eval() }
        runner.perform { model in try model.getParameter("0.weight").requiresGrad = false }
        runner.setPaused(false)
        let deadline = Date().addingTimeInterval(10)
        while (runner.snapshot?.runs ?? 0) < 2 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        runner.stop()
        let snapshot = try #require(runner.snapshot)
        #expect(snapshot.training == false)
        #expect(model.parameters().first?.requiresGrad == false)
        #expect(snapshot.runs >= 2)
    }

    @Test func aFailingForwardIsReportedWithTheModule() throws {
        let model = Sequential(Linear(4, 3), Linear(5, 2))
        let runner = ProfileRunner(model: model, inputs: [.tensor(Tensor.ones([1, 4]))])
        runner.start(runs: 3)
        runner.waitUntilFinished()
        let snapshot = try #require(runner.snapshot)
        guard case .failed(let message) = snapshot.state else {
            Issue.record("expected a failed state, got \(snapshot.state)")
            return
        }
        #expect(message.contains("mat1 and mat2 shapes cannot be multiplied (1x3 and 5x2)"))
        #expect(snapshot.report.failedModule == "1")
    }
}
