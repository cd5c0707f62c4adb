import Foundation
import NNModules
import Synchronization

/// Runs a model's sample inputs on a background thread (in a loop, or N times) with a `ModuleProfiler`
/// attached, and publishes an immutable snapshot after every forward. The model is touched only on the
/// runner thread: changes requested from elsewhere (train/eval, requires_grad) are queued as commands and
/// applied between two forward passes, so they take effect on the next forward without data races. Forward
/// passes run without recording a graph (like `torch.no_grad()`), as inference profiling does.
///
/// With a `TrainingStep`, the runner can switch to train-step mode: each iteration is then forward + loss +
/// backward (timed per module) + optimizer step, so freezing a subtree shows at once as missing gradients,
/// no update and less backward time.
public final class ProfileRunner: @unchecked Sendable {
    public enum State: Sendable, Equatable {
        case idle, running, paused, finished
        case failed(String)
    }

    public struct Snapshot: Sendable, Equatable {
        public var report: ProfileReport
        public var state: State
        public var runs: Int
        public var runsPerSecond: Double
        public var training: Bool
        /// Iterations are training steps (forward, backward, optimizer step) rather than plain forwards.
        public var trainStep: Bool = false
        /// Losses of the recent training steps (oldest first), before each step's update.
        public var losses: [Double] = []
        /// Why the last training step failed (train-step mode was then switched off).
        public var trainStepError: String?
    }

    public typealias Command = @Sendable (Module) throws -> Void

    private let model: Module
    private let inputs: [Value]
    private let kwargs: Kwargs
    private let options: ModuleProfiler.Options
    private let clock: any ProfilerClock
    private let condition = NSCondition()
    private var pending: [Command] = []
    private var paused = false
    private var stopRequested = false
    private var thread: Thread?
    private let finished = NSCondition()
    private var isDone = false
    private var resetRequested = false
    private let published = Mutex<Snapshot?>(nil)
    private let trainingStep: TrainingStep?
    private var trainStepMode = false
    private var losses: [Double] = []
    private var trainStepError: String?

    public init(model: Module, inputs: [Value], kwargs: Kwargs = [:], options: ModuleProfiler.Options = .init(),
                clock: any ProfilerClock = MonotonicClock(), trainingStep: TrainingStep? = nil) {
        self.model = model
        self.trainingStep = trainingStep
        self.inputs = inputs
        self.kwargs = kwargs
        self.options = options
        self.clock = clock
    }

    /// The latest snapshot (nil before the first forward finished).
    public var snapshot: Snapshot? { published.withLock { $0 } }

    /// Starts the loop: `runs == nil` runs until `stop()`.
    public func start(runs: Int? = nil, warmup: Int = 0) {
        let thread = Thread { [self] in
            loop(runs: runs, warmup: warmup)
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

    /// Queues a change to the model, applied on the runner thread before the next forward.
    public func perform(_ command: @escaping Command) {
        condition.lock()
        pending.append(command)
        condition.signal()
        condition.unlock()
    }

    /// Whether a training step is available (`setTrainStep` needs one).
    public var canTrain: Bool { trainingStep != nil }

    /// Switches between plain forwards and training steps before the next iteration; measurements restart
    /// so the numbers describe one kind of iteration.
    public func setTrainStep(_ on: Bool) {
        perform { [self] _ in
            guard on != trainStepMode else { return }
            guard !on || trainingStep != nil else {
                throw TorchError.runtimeError("this model has no training task (no loss for its output)")
            }
            trainStepMode = on
            trainStepError = nil
            losses.removeAll()
            resetRequested = true
        }
    }

    public func setPaused(_ value: Bool) {
        condition.lock()
        paused = value
        condition.signal()
        condition.unlock()
        published.withLock { snapshot in
            if var s = snapshot, s.state == .running || s.state == .paused {
                s.state = value ? .paused : .running
                snapshot = s
            }
        }
    }

    public var isPaused: Bool {
        condition.lock()
        defer { condition.unlock() }
        return paused
    }

    /// Stops after the current forward and waits for the thread to end; the profiler's hooks are removed,
    /// leaving the model as it was.
    public func stop() {
        condition.lock()
        stopRequested = true
        condition.signal()
        condition.unlock()
        waitUntilFinished()
    }

    /// Blocks until the loop ended (after N runs, a failure, or `stop()`).
    public func waitUntilFinished() {
        guard thread != nil else { return }
        finished.lock()
        while !isDone { finished.wait() }
        finished.unlock()
    }

    private func takeCommands() -> (commands: [Command], stop: Bool) {
        condition.lock()
        defer { condition.unlock() }
        while paused && !stopRequested && pending.isEmpty { condition.wait() }
        let commands = pending
        pending.removeAll()
        return (commands, stopRequested)
    }

    private func loop(runs: Int?, warmup: Int) {
        let profiler = ModuleProfiler(attachingTo: model, clock: clock, options: options)
        defer { profiler.detach() }
        do {
            for _ in 0..<warmup { _ = try GradMode.noGrad { try model.call(inputs, kwargs: kwargs) } }
            profiler.reset()
        } catch {
            publish(profiler.report(), state: .failed("\(error)"), runs: 0, rate: 0)
            return
        }
        var completed = 0
        var recent: [UInt64] = []
        var rate = 0.0
        var lastPublish: UInt64?
        var reportCost: UInt64 = 0
        while runs.map({ completed < $0 }) ?? true {
            let (commands, stop) = takeCommands()
            for command in commands {
                do { try command(model) } catch { publish(profiler.report(), state: .failed("\(error)"), runs: completed, rate: 0) }
            }
            if resetRequested {
                resetRequested = false
                profiler.reset()
                recent.removeAll()
            }
            if stop { break }
            if isPaused { continue }
            do {
                if trainStepMode, let trainingStep {
                    losses.append(try trainingStep.run(on: model, profiler: profiler))
                    if losses.count > 64 { losses.removeFirst(losses.count - 64) }
                } else {
                    _ = try GradMode.noGrad { try model.call(inputs, kwargs: kwargs) }
                }
            } catch where trainStepMode {
                // A step that cannot run (e.g. a missing derivative) ends train-step mode, not the runner.
                trainStepMode = false
                trainStepError = "\(error)"
                profiler.reset()
                continue
            } catch {
                publish(profiler.report(), state: .failed("\(error)"), runs: completed, rate: 0)
                return
            }
            completed += 1
            let now = clock.nanoseconds()
            recent.append(now)
            if let stale = recent.firstIndex(where: { now &- $0 <= 1_000_000_000 }), stale > 0 { recent.removeFirst(stale) }
            let span = Double((recent.last ?? now) &- (recent.first ?? now)) / 1e9
            rate = recent.count > 1 && span > 0 ? Double(recent.count - 1) / span : 0
            // A report costs far more than a small model's forward (percentiles of every module), and readers
            // look at most every frame: publish at most every `publishInterval`, and the last run.
            if lastPublish.map({ now &- $0 >= Swift.max(Self.publishInterval, 4 &* reportCost) }) ?? true || runs == completed {
                publish(profiler.report(), state: isPaused ? .paused : .running, runs: completed, rate: rate)
                lastPublish = now
                // Reports stay under a fifth of the loop's time however slow they are (a debug build).
                reportCost = clock.nanoseconds() &- now
            }
        }
        publish(profiler.report(), state: .finished, runs: completed, rate: rate)
    }

    /// Nanoseconds between two published snapshots while running.
    static let publishInterval: UInt64 = 40_000_000

    private func publish(_ report: ProfileReport, state: State, runs: Int, rate: Double) {
        let snapshot = Snapshot(report: report, state: state, runs: runs, runsPerSecond: rate, training: model.training,
                                trainStep: trainStepMode, losses: losses, trainStepError: trainStepError)
        published.withLock { $0 = snapshot }
    }
}
