import ModelView
import NNModules

/// Times every submodule of a model through its public forward hooks: a pre-hook pushes a frame, the
/// forward hook pops it, giving inclusive time per call and self time (inclusive minus children). Output
/// statistics are computed after the clock is read and their cost is removed from every enclosing frame,
/// so they do not inflate latency. `detach()` removes every hook and leaves the model exactly as it was.
///
/// For a training step, `backward(_:)` runs the loss's backward with the profiler observing the autograd
/// engine: each node's time is charged to the module whose forward created it (`BackwardAttribution`), and
/// `recordGradients()` takes the statistics of every module's parameter gradients.
public final class ModuleProfiler {
    public struct Options: Sendable {
        /// Compute activation statistics every `statisticsEvery`-th call of a module (0 = never).
        public var statisticsEvery: Int = 1
        /// Of tensors larger than this, a sample of about this many values (evenly spread blocks) is read
        /// for statistics: the estimate of a 10M-element activation's moments is as good from 32k values.
        public var statisticsSampleLimit: Int = 1 << 15
        /// Statistics may take at most this fraction of the forwards' own measured time. A forward gets
        /// statistics only while the time spent on them so far is within budget (the first always does), so
        /// where they are expensive they come for whole forwards at a bounded rate, every module's from the
        /// same forward. 0: every forward. 3 %: the live view, which also publishes snapshots and draws,
        /// keeps ≥ 90 % of the latency-only forward rate (at 10 %, a BERT view ran at 0.76 of it; at 5 %,
        /// MiniLM's and BERT's at 0.89: the budget is most of what the view costs).
        public var statisticsBudget: Double = 0.03
        /// Forwards between two FLOP counts when no statistics are taken (counting inspects every module's
        /// tensors; shapes rarely change between forwards).
        public var flopsEvery: Int = 16
        /// Forwards kept for the recent-window percentiles, means and the history.
        public var windowSize: Int = 64
        /// Also compute statistics of each module's positional inputs.
        public var inputStatistics = false
        /// Keep begin/duration events of every module call for a Chrome trace, up to this many.
        public var traceEventLimit: Int = 0
        public init() {}
    }

    private struct Frame {
        let row: Int
        let start: UInt64
        let overheadAtStart: UInt64
        var children: UInt64 = 0
    }

    private let clock: any ProfilerClock
    private let options: Options
    private let names: [String]
    private let classNames: [String]
    private var timings: [SplitTimings]
    private var calls: [Int]
    private var outputs: [[ActivationStats]]
    private var inputs: [[ActivationStats]]
    private var meanHistory: [[Double]]
    private var flops: [Int?]
    /// What the current forward has added up so far, per module (a module may be called several times).
    private var selfThisForward: [UInt64]
    private var inclusiveThisForward: [UInt64]
    private var macsThisForward: [Int]
    private var touchedThisForward: [Int] = []
    private var touched: [Bool]
    private(set) public var trace: [TraceEvent] = []
    private var traceOrigin: UInt64?
    private var failureThisPass: String?
    private var lastFailure: String?
    private var stack: [Frame] = []
    private var statisticsOverhead: UInt64 = 0
    /// The top-level forwards' measured time (statistics excluded), what the statistics budget is a share of.
    private var forwardTime: UInt64 = 0
    private var statisticsSpent: UInt64 = 0
    private var statisticsThisForward = false
    private var flopsThisForward = false
    private var handles: [RemovableHandle] = []
    private var forwardPasses = 0
    private var nonFiniteThisPass: String?
    private var firstNonFinite: String?
    private let modules: [Module]
    private var backwardAttribution: BackwardAttribution
    private var gradients: [GradientStats?]
    private var firstNonFiniteGradient: String?

    /// Attaches to every entry of `model.namedModules()` (a shared module once, under its first name).
    public init(attachingTo model: Module, clock: any ProfilerClock = MonotonicClock(), options: Options = Options()) {
        self.clock = clock
        self.options = options
        let modules = model.namedModules()
        let count = modules.count
        names = modules.map(\.name)
        classNames = modules.map(\.module.typeName)
        timings = modules.map { _ in SplitTimings(windowSize: options.windowSize) }
        calls = Array(repeating: 0, count: count)
        outputs = Array(repeating: [], count: count)
        inputs = Array(repeating: [], count: count)
        meanHistory = Array(repeating: [], count: count)
        flops = Array(repeating: nil, count: count)
        selfThisForward = Array(repeating: 0, count: count)
        inclusiveThisForward = Array(repeating: 0, count: count)
        macsThisForward = Array(repeating: 0, count: count)
        touched = Array(repeating: false, count: count)
        self.modules = modules.map(\.module)
        backwardAttribution = BackwardAttribution(names: names, modules: modules.map(\.module), windowSize: options.windowSize)
        gradients = Array(repeating: nil, count: count)
        resume()
    }

    deinit { detach() }

    /// Removes every hook; idempotent. What was measured stays, and `resume()` hooks the model again.
    public func detach() {
        handles.forEach { $0.remove() }
        handles.removeAll()
        stack.removeAll()
    }

    /// Hooks every module again after `detach()` (no-op while attached), continuing the measurements:
    /// a benchmark alternates hooked and unhooked blocks of forwards with one profiler.
    public func resume() {
        guard handles.isEmpty else { return }
        for (row, module) in modules.enumerated() {
            handles.append(module.registerForwardPreHook { [unowned self] _, _ in
                self.push(row)
                return nil
            })
            handles.append(module.registerForwardHook(alwaysCall: true) { [unowned self] module, args, output in
                self.pop(row, module, args, output)
                return nil
            })
        }
    }

    private func push(_ row: Int) {
        if stack.isEmpty {
            nonFiniteThisPass = nil
            failureThisPass = nil
            backwardAttribution.beginForward()
            let budget = options.statisticsBudget
            statisticsThisForward = options.statisticsEvery > 0
                && (forwardPasses == 0 || budget <= 0 || Double(statisticsSpent) <= budget * Double(forwardTime))
            flopsThisForward = statisticsThisForward || forwardPasses % Swift.max(options.flopsEvery, 1) == 0
        }
        backwardAttribution.boundary(row)
        stack.append(Frame(row: row, start: clock.nanoseconds(), overheadAtStart: statisticsOverhead))
    }

    private func pop(_ row: Int, _ module: Module, _ args: [Value], _ output: Value) {
        let end = clock.nanoseconds()
        // always_call hooks see `None` when forward raised: the innermost such frame is where it failed.
        if case .none = output, failureThisPass == nil { failureThisPass = names[row] }
        guard let frame = stack.popLast(), frame.row == row else {
            stack.removeAll()
            return
        }
        backwardAttribution.boundary(stack.last?.row ?? -1)
        let elapsed = end &- frame.start
        let overhead = statisticsOverhead &- frame.overheadAtStart
        let inclusive = elapsed > overhead ? elapsed - overhead : 0
        let selfTime = inclusive > frame.children ? inclusive - frame.children : 0
        if !touched[row] {
            touched[row] = true
            touchedThisForward.append(row)
        }
        selfThisForward[row] &+= selfTime
        inclusiveThisForward[row] &+= inclusive
        calls[row] += 1
        if !stack.isEmpty { stack[stack.count - 1].children &+= inclusive }
        if trace.count < options.traceEventLimit {
            let origin = traceOrigin ?? frame.start
            traceOrigin = origin
            trace.append(TraceEvent(name: names[row], className: classNames[row], depth: stack.count,
                                    startNs: frame.start &- origin, durationNs: inclusive))
        }
        if flopsThisForward {
            if case .none = output {} else { macsThisForward[row] += MACCounter.macs(module, inputs: args, output: output) }
        }

        let every = options.statisticsEvery
        if statisticsThisForward && (calls[row] - 1) % every == 0 {
            let statsStart = clock.nanoseconds()
            takeStatistics(row, args, output)
            let spent = clock.nanoseconds() &- statsStart
            statisticsOverhead &+= spent
            statisticsSpent &+= spent
        }
        if stack.isEmpty {
            forwardTime &+= inclusive
            finishForward()
        }
    }

    private func takeStatistics(_ row: Int, _ args: [Value], _ output: Value) {
        let limit = options.statisticsSampleLimit
        outputs[row] = output.flattenedTensors().map { ActivationStatistics.of($0.tensor, path: $0.path, sampleLimit: limit) }
        if options.inputStatistics {
            inputs[row] = Value.tuple(args).flattenedTensors().map { ActivationStatistics.of($0.tensor, path: $0.path, sampleLimit: limit) }
        }
        if let mean = outputs[row].first?.mean, outputs[row].first?.isShapeOnly == false {
            meanHistory[row].append(mean)
            if meanHistory[row].count > options.windowSize { meanHistory[row].removeFirst() }
        }
        if nonFiniteThisPass == nil, outputs[row].contains(where: \.hasNonFinite) { nonFiniteThisPass = names[row] }
    }

    /// A top-level call returned: every module it ran records its time for this forward, all calls added up.
    private func finishForward() {
        for row in touchedThisForward {
            timings[row].record(selfTime: selfThisForward[row], inclusive: inclusiveThisForward[row])
            if flopsThisForward { flops[row] = 2 * macsThisForward[row] }
            selfThisForward[row] = 0
            inclusiveThisForward[row] = 0
            macsThisForward[row] = 0
            touched[row] = false
        }
        touchedThisForward.removeAll(keepingCapacity: true)
        forwardPasses += 1
        if let nonFiniteThisPass { firstNonFinite = nonFiniteThisPass }
        lastFailure = failureThisPass
    }

    /// Forgets everything measured so far (after warm-up runs, or when the user asks).
    public func reset() {
        timings = names.map { _ in SplitTimings(windowSize: options.windowSize) }
        calls = names.map { _ in 0 }
        outputs = names.map { _ in [] }
        inputs = names.map { _ in [] }
        meanHistory = names.map { _ in [] }
        flops = names.map { _ in nil }
        trace.removeAll()
        traceOrigin = nil
        forwardPasses = 0
        forwardTime = 0
        statisticsSpent = 0
        firstNonFinite = nil
        lastFailure = nil
        backwardAttribution.reset(windowSize: options.windowSize)
        gradients = names.map { _ in nil }
        firstNonFiniteGradient = nil
    }

    /// torch: `loss.backward()`, with every autograd node's time charged to the module that created it.
    public func backward(_ loss: Tensor) throws {
        let start = clock.nanoseconds()
        defer { backwardAttribution.finishPass(totalNs: clock.nanoseconds() &- start) }
        try BackwardObservation.observing(self) { try loss.backward() }
    }

    /// Takes the statistics of each module's own parameter gradients (call after `backward`, before the
    /// optimizer step); notes the first module, in `named_modules()` order, with a NaN/Inf gradient.
    public func recordGradients() throws {
        gradients = try modules.map { try GradientStatistics.ofParameters(of: $0) }
        let nonFinite = gradients.firstIndex { $0?.hasNonFinite ?? false }
        firstNonFiniteGradient = nonFinite.map { names[$0] }
    }

    /// Forwards measured since the last reset.
    public var forwards: Int { forwardPasses }

    /// Wall time of the last whole backward, loss included, in ms (0 before the first).
    public var lastBackwardMs: Double { Double(backwardAttribution.lastPassNs) / 1e6 }

    /// The current measurements as the view schema's snapshot; `runner` says who ran them.
    public func snapshot(runner: RunnerStatus? = nil) -> ProfileSnapshot {
        var status = runner ?? RunnerStatus(state: .finished)
        status.forwards = forwardPasses
        status.window = options.windowSize
        if backwardAttribution.passes > 0 { status.lastBackwardMs = lastBackwardMs }
        let modules = names.indices.compactMap { i -> ModuleProfile? in
            guard timings[i].count > 0 || backwardRow(i) != nil else { return nil }
            return ModuleProfile(
                name: names[i], calls: calls[i], callsPerForward: Double(calls[i]) / Double(max(timings[i].count, 1)),
                selfTime: timings[i].selfTime.timing, inclusive: timings[i].inclusive.timing,
                historyMs: timings[i].inclusive.historyMs, flops: flops[i], outputs: outputs[i], inputs: inputs[i],
                meanHistory: meanHistory[i], backward: backwardRow(i), gradient: gradients[i])
        }
        return ProfileSnapshot(
            runner: status, modules: modules, firstNonFinite: firstNonFinite, failedModule: lastFailure,
            firstNonFiniteGradient: firstNonFiniteGradient,
            backwardNodes: backwardAttribution.byNodeName
                .map { BackwardNodeTime(name: $0.key, ms: Double($0.value.ns) / 1e6, count: $0.value.count) }
                .sorted { ($0.ms, $1.name) > ($1.ms, $0.name) })
    }
}

/// One module call on the timeline (Chrome/Perfetto "complete" event).
public struct TraceEvent: Sendable, Equatable {
    public var name: String
    public var className: String
    public var depth: Int
    public var startNs: UInt64
    public var durationNs: UInt64
}

extension ModuleProfiler: BackwardObserver {
    public func nodeWillRun(_ node: AutogradNode) { backwardAttribution.nodeStarted(at: clock.nanoseconds()) }
    public func nodeDidRun(_ node: AutogradNode) { backwardAttribution.nodeFinished(node, at: clock.nanoseconds()) }

    fileprivate func backwardRow(_ row: Int) -> BackwardProfile? {
        let t = backwardAttribution.timings[row]
        guard t.count > 0, backwardAttribution.reachedLastPass[row] else { return nil }
        return BackwardProfile(passes: t.count, selfTime: t.selfTime.timing, inclusive: t.inclusive.timing,
                               historyMs: t.inclusive.historyMs)
    }
}
