import Foundation
import ModelView
import NNModules
import Profiler
import Testing

/// A module whose backward takes `cost` nanoseconds of the manual clock: `output = input * w` recorded as
/// one autograd node, so the time the profiler charges to each module is exact.
final class BackwardWorker: Module {
    let clock: ManualClock
    let cost: UInt64
    init(_ clock: ManualClock, _ cost: UInt64) throws {
        self.clock = clock
        self.cost = cost
        super.init()
        try registerParameter("w", Parameter(Tensor.ones([1])))
    }

    override func forward(_ input: Tensor) throws -> Tensor {
        let w = try getParameter("w")
        let out = try GradMode.noGrad { try input * w }
        Tensor.recordOperation("WorkBackward0", inputs: [input, w], outputs: [out]) { [clock, cost] grads in
            clock.advance(cost)
            guard let g = grads[0] else { return [nil, nil] }
            return [try g * w, try g.sum().reshape([1])]
        }
        return out
    }
}

@Suite struct BackwardProfilingTests {
    func model(_ clock: ManualClock) throws -> Module {
        Sequential(Sequential(try BackwardWorker(clock, 10), try BackwardWorker(clock, 20)), try BackwardWorker(clock, 40))
    }

    func backwardTimes(_ snapshot: ProfileSnapshot) -> [String: (own: Double, inclusive: Double)] {
        Dictionary(uniqueKeysWithValues: snapshot.modules.compactMap { row in
            row.backward.map { (row.name, ($0.selfTime.total.max * 1e6, $0.inclusive.total.max * 1e6)) }
        })
    }

    @Test func backwardTimeIsChargedToTheModuleWhoseForwardCreatedTheNode() throws {
        let clock = ManualClock()
        let model = try model(clock)
        let profiler = ModuleProfiler(attachingTo: model, clock: clock)
        let loss = try model(Tensor.ones([2, 3])).sum()
        try profiler.backward(loss)
        let times = backwardTimes(profiler.snapshot())
        #expect(times["1"]?.own == 40 && times["1"]?.inclusive == 40)
        #expect(times["0.1"]?.own == 20 && times["0.0"]?.own == 10)
        #expect(times["0"]?.own == 0 && times["0"]?.inclusive == 30)
        #expect(times[""]?.inclusive == 70)
        #expect(profiler.snapshot().modules.first?.backward?.passes == 1)
        #expect(profiler.lastBackwardMs * 1e6 == 70, "the loss's own node costs nothing on this clock")
    }

    @Test func aFrozenFirstModuleRunsNoBackwardAndGetsNoGradient() throws {
        let clock = ManualClock()
        let model = try model(clock)
        try model.getSubmodule("0.0").requiresGrad_(false)
        let profiler = ModuleProfiler(attachingTo: model, clock: clock)
        try profiler.backward(try model(Tensor.ones([2, 3])).sum())
        try profiler.recordGradients()
        let report = profiler.snapshot()
        let times = backwardTimes(report)
        #expect(times["0.0"] == nil, "nothing before it requires grad, so it recorded no node")
        #expect(times["0"]?.inclusive == 20 && times[""]?.inclusive == 60)
        let gradients = Dictionary(uniqueKeysWithValues: report.modules.map { ($0.name, $0.gradient) })
        #expect(gradients["0.0"]! == nil)
        #expect(gradients["1"]??.norm == 6, "d(sum(x*w))/dw over six ones")
        #expect(gradients["0.1"]??.norm == 6 && gradients["0.1"]??.count == 1)
        #expect(gradients[""]! == nil, "the root owns no parameter")
    }

    @Test func aModuleFrozenAfterwardsStopsShowingBackwardTime() throws {
        let clock = ManualClock()
        let model = try model(clock)
        let profiler = ModuleProfiler(attachingTo: model, clock: clock)
        try profiler.backward(try model(Tensor.ones([2, 3])).sum())
        #expect(backwardTimes(profiler.snapshot())["0.0"]?.own == 10)
        try model.getSubmodule("0.0").requiresGrad_(false)
        try profiler.backward(try model(Tensor.ones([2, 3])).sum())
        #expect(backwardTimes(profiler.snapshot())["0.0"] == nil, "not reached by the last backward")
        #expect(profiler.snapshot().modules.first { $0.name == "0.0" }?.backward == nil)
    }

    @Test func gradientStatisticsCountNonFiniteValues() throws {
        let stats = try #require(try GradientStatistics.of([Tensor([3, -4, .nan, .infinity], shape: [4])]))
        #expect(stats.norm == 5 && stats.maxAbs == 4 && stats.nanCount == 1 && stats.infCount == 1 && stats.count == 4)
        #expect(try GradientStatistics.of([]) == nil)
    }

    @Test func theRunnerTrainsInTrainStepModeAndFreezingStopsUpdates() throws {
        DefaultGenerator.manualSeed(0)
        let model = Sequential(Linear(4, 8), ReLU(), Linear(8, 1))
        let x = Tensor.randn([16, 4]), y = Tensor.randn([16, 1])
        let mse = try MSELoss()
        let step = TrainingStep(optimizer: SGD(model.parameters(), lr: 0.05, momentum: 0.9)) { try #require(try mse.call([.tensor($0(x)), .tensor(y)]).tensor) }
        let initialLoss = try #require(try GradMode.noGrad { try mse.call([.tensor(model(x)), .tensor(y)]).tensor?.item() })
        let runner = ProfileRunner(model: model, inputs: [.tensor(x)], trainingStep: step)
        #expect(runner.canTrain)
        runner.send(.setTrainStep(true))
        runner.start()
        func waitForSteps(_ n: Int) {
            let deadline = Date().addingTimeInterval(20)
            while (runner.snapshot?.runner.losses.count ?? 0) < n && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        }
        waitForSteps(20)
        let trained = try #require(runner.snapshot)
        #expect(trained.runner.trainStep)
        let losses = trained.runner.losses
        // Against the loss before training: the snapshot's window may hold only steps after it converged.
        #expect(losses.count >= 20 && losses.last! < initialLoss, "loss falls: \(initialLoss) → \(losses.last!)")
        #expect(trained.modules.first { $0.name == "0" }?.gradient != nil)
        #expect(trained.modules.first { $0.name == "0" }?.backward != nil)

        runner.send(.modify { try $0.getSubmodule("0").requiresGrad_(false) })
        runner.send(.setTrainStep(false))
        runner.send(.setTrainStep(true))
        Thread.sleep(forTimeInterval: 0.05)
        let frozenWeight = try GradMode.noGrad { try model.getParameter("0.weight").clone() }
        waitForSteps(5)
        runner.stop()
        let report = try #require(runner.snapshot)
        #expect(report.modules.first { $0.name == "0" }?.gradient == nil, "frozen: no gradient")
        #expect(report.modules.first { $0.name == "0" }?.backward == nil, "frozen first layer: no backward work")
        #expect(report.modules.first { $0.name == "2" }?.gradient != nil)
        #expect(try model.getParameter("0.weight").toDoubles() == frozenWeight.toDoubles(), "frozen: no update")
        #expect(model.modules().allSatisfy { $0.forwardHookCount == 0 && $0.forwardPreHookCount == 0 })
    }

    @Test func aFailingTrainingStepEndsTrainStepModeNotTheRunner() throws {
        let model = Sequential(Linear(4, 3))
        let step = TrainingStep(optimizer: SGD(model.parameters(), lr: 0.1)) { _ in
            throw TorchError.runtimeError("no loss here")
        }
        let runner = ProfileRunner(model: model, inputs: [.tensor(Tensor.ones([2, 4]))], trainingStep: step)
        runner.send(.setTrainStep(true))
        runner.start()
        let deadline = Date().addingTimeInterval(20)
        while (runner.snapshot?.runner.forwards ?? 0) < 3 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        runner.stop()
        let snapshot = try #require(runner.snapshot)
        #expect(snapshot.runner.trainStep == false)
        #expect(snapshot.runner.trainStepError?.contains("no loss here") == true)
        #expect(snapshot.runner.forwards >= 3, "plain forwards went on")
    }
}
