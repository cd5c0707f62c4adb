import DequeModule
import Foundation
import ModelView
import NNModules
import Synchronization

/// Runs a model's sample inputs on a background thread (in a loop, or N times) with a `ModuleProfiler`
/// attached and publishes a `ProfileSnapshot` at most every 100 ms and after the last run.
///
/// A small state machine owned by its thread: the model and every piece of runner state (paused, train-step
/// mode, losses) are touched only there. Anyone else sends a `Command` through one queue; the loop reads as
/// take the commands, run one step, publish when due. Forward passes run without recording a graph (like
/// `torch.no_grad()`), as inference profiling does; with a `TrainingStep`, train-step mode makes each
/// iteration forward + loss + backward (timed per module) + optimizer step.
public final class ProfileRunner: @unchecked Sendable {
    public enum Command: @unchecked Sendable {
        /// A change to the model (requires_grad, train/eval), applied between two iterations.
        case modify(@Sendable (Module) throws -> Void)
        case setPaused(Bool)
        case setTrainStep(Bool)
        case stop
    }

    private let model: Module
    private let inputs: [Value]
    private let kwargs: Kwargs
    private let options: ModuleProfiler.Options
    private let clock: any ProfilerClock
    /// Builds the training step on the runner thread the first time train-step mode is asked for: its
    /// synthetic data and optimizer state cost nothing until then.
    private let makeTrainingStep: (() throws -> TrainingStep)?
    /// Commands waiting for the runner thread; `inbox` wakes it while paused.
    private let inbox = NSCondition()
    private var pending: [Command] = []
    private let published = Mutex<VersionedSnapshot?>(nil)
    private var thread: Thread?
    private let finished = NSCondition()
    private var isDone = false
    /// Module calls of the whole run, when the options asked for a trace; read after `waitUntilFinished()`.
    public private(set) var trace: [TraceEvent] = []

    public convenience init(model: Module, inputs: [Value], kwargs: Kwargs = [:], options: ModuleProfiler.Options = .init(),
                            clock: any ProfilerClock = MonotonicClock(), trainingStep: TrainingStep? = nil) {
        self.init(model: model, inputs: inputs, kwargs: kwargs, options: options, clock: clock,
                  makeTrainingStep: trainingStep.map { step in { step } })
    }

    /// - Parameter makeTrainingStep: builds the training step when train-step mode is first switched on.
    public init(model: Module, inputs: [Value], kwargs: Kwargs = [:], options: ModuleProfiler.Options = .init(),
                clock: any ProfilerClock = MonotonicClock(), makeTrainingStep: (() throws -> TrainingStep)?) {
        self.model = model
        self.makeTrainingStep = makeTrainingStep
        self.inputs = inputs
        self.kwargs = kwargs
        self.options = options
        self.clock = clock
    }

    /// The latest snapshot with its version (nil before the first forward finished).
    public var latest: VersionedSnapshot? { published.withLock { $0 } }

    /// The latest snapshot (nil before the first forward finished).
    public var snapshot: ProfileSnapshot? { latest?.snapshot }

    /// Whether a training step is available (`setTrainStep(true)` needs one).
    public var canTrain: Bool { makeTrainingStep != nil }

    /// Starts the loop: `runs == nil` runs until `stop()`.
    public func start(runs: Int? = nil, warmup: Int = 0) {
        let thread = Thread { [self] in
            var machine = Machine(runner: self, runs: runs)
            machine.run(warmup: warmup)
            finished.lock()
            isDone = true
            finished.broadcast()
            finished.unlock()
        }
        thread.name = "nntop-runner"
        thread.stackSize = 16 << 20
        self.thread = thread
        thread.start()
    }

    /// Queues a command for the runner thread; it is carried out before the next iteration.
    public func send(_ command: Command) {
        inbox.lock()
        pending.append(command)
        inbox.signal()
        inbox.unlock()
    }

    /// Stops after the current iteration and waits for the thread to end; the profiler's hooks are removed,
    /// leaving the model as it was.
    public func stop() {
        send(.stop)
        waitUntilFinished()
    }

    /// Blocks until the loop ended (after N runs, a failure, or `stop()`).
    public func waitUntilFinished() {
        guard thread != nil else { return }
        finished.lock()
        while !isDone { finished.wait() }
        finished.unlock()
    }

    /// Waits while `paused` and nothing is queued, then hands over every queued command.
    fileprivate func takeCommands(waitWhilePaused paused: Bool) -> [Command] {
        inbox.lock()
        defer { inbox.unlock() }
        while paused && pending.isEmpty { inbox.wait() }
        let commands = pending
        pending.removeAll()
        return commands
    }

    fileprivate func publish(_ snapshot: ProfileSnapshot) {
        published.withLock { current in current = VersionedSnapshot(version: (current?.version ?? 0) + 1, snapshot: snapshot) }
    }

    /// Nanoseconds between two published snapshots while running: the view redraws every 100 ms, so a
    /// snapshot more often is never shown (at 40 ms, a live MobileNetV2 runner spent ~5 % of its time on
    /// snapshots).
    static let publishInterval: UInt64 = 100_000_000

    /// The runner thread's state and its loop.
    private struct Machine {
        let runner: ProfileRunner
        let runs: Int?
        let profiler: ModuleProfiler
        var state: RunnerStatus.State = .running
        var message: String?
        var trainStep = false
        var trainingStep: TrainingStep?
        var losses: [Double] = []
        var trainStepError: String?
        var completed = 0
        /// End times of the forwards of the last second (the rate): a deque, since every step drops the
        /// oldest (an array's `removeFirst` moved the whole second's entries each step: a 2 µs model's
        /// runner then spent most of its time shifting a million timestamps).
        var recent: Deque<UInt64> = []
        var lastPublish: UInt64?
        var reportCost: UInt64 = 0
        var stopping = false
        /// The model lives on the `meta` device, so its forwards only propagate shapes.
        let shapesOnly: Bool

        init(runner: ProfileRunner, runs: Int?) {
            self.runner = runner
            self.runs = runs
            profiler = ModuleProfiler(attachingTo: runner.model, clock: runner.clock, options: runner.options)
            shapesOnly = runner.model.parameters().first?.isMeta ?? runner.inputs.first?.tensor?.isMeta ?? false
        }

        mutating func run(warmup: Int) {
            defer {
                runner.trace = profiler.trace
                profiler.detach()
            }
            do {
                for _ in 0..<warmup { _ = try GradMode.noGrad { try runner.model.call(runner.inputs, kwargs: runner.kwargs) } }
                profiler.reset()
            } catch {
                fail(error)
                return
            }
            while !stopping && state != .failed && (runs.map { completed < $0 } ?? true) {
                for command in runner.takeCommands(waitWhilePaused: state == .paused) { apply(command) }
                guard !stopping, state == .running else { continue }
                step()
            }
            if state != .failed {
                state = .finished
                publish()
            }
        }

        private mutating func apply(_ command: Command) {
            switch command {
            case .modify(let change):
                do { try change(runner.model) } catch { fail(error) }
            case .setPaused(let paused):
                guard state == .running || state == .paused else { return }
                state = paused ? .paused : .running
                recent.removeAll()
                publish()
            case .setTrainStep(let on):
                guard on != trainStep else { return }
                if on && trainingStep == nil {
                    do {
                        guard let make = runner.makeTrainingStep else {
                            throw TorchError.runtimeError("this model has no training task (no loss for its output)")
                        }
                        trainingStep = try make()
                    } catch {
                        trainStepError = "\(error)"
                        publish()
                        return
                    }
                }
                trainStep = on
                trainStepError = nil
                losses.removeAll()
                // Measurements restart so the numbers describe one kind of iteration.
                profiler.reset()
                recent.removeAll()
            case .stop:
                stopping = true
            }
        }

        private mutating func step() {
            do {
                if trainStep, let trainingStep {
                    losses.append(try trainingStep.run(on: runner.model, profiler: profiler))
                    if losses.count > 64 { losses.removeFirst(losses.count - 64) }
                } else {
                    _ = try GradMode.noGrad { try runner.model.call(runner.inputs, kwargs: runner.kwargs) }
                }
            } catch where trainStep {
                // A step that cannot run (e.g. a missing derivative) ends train-step mode, not the runner.
                trainStep = false
                trainStepError = "\(error)"
                profiler.reset()
                publish()
                return
            } catch {
                fail(error)
                return
            }
            completed += 1
            let now = runner.clock.nanoseconds()
            recent.append(now)
            while let oldest = recent.first, now &- oldest > 1_000_000_000 { recent.removeFirst() }
            // A snapshot costs far more than a small model's forward (percentiles of every module), and readers
            // look at most every frame: publish at most every `publishInterval`, and the last run.
            if lastPublish.map({ now &- $0 >= Swift.max(ProfileRunner.publishInterval, 4 &* reportCost) }) ?? true || runs == completed {
                publish()
                lastPublish = now
                // Publishing stays under a fifth of the loop's time however slow it is (a debug build).
                reportCost = runner.clock.nanoseconds() &- now
            }
        }

        private mutating func fail(_ error: any Error) {
            state = .failed
            message = "\(error)"
            publish()
        }

        private func runsPerSecond() -> Double {
            guard state == .running, recent.count > 1 else { return 0 }
            let span = Double((recent.last ?? 0) &- (recent.first ?? 0)) / 1e9
            return span > 0 ? Double(recent.count - 1) / span : 0
        }

        private func publish() {
            let status = RunnerStatus(state: state, message: message, runsPerSecond: runsPerSecond(), trainStep: trainStep,
                                      losses: losses, trainStepError: trainStepError, shapesOnly: shapesOnly)
            runner.publish(profiler.snapshot(runner: status))
        }
    }
}
