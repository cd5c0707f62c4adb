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
        /// Tensors larger than this are sampled with a stride for statistics.
        public var statisticsSampleLimit: Int = 1 << 20
        /// Calls kept for the recent-window percentiles and the history.
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
    private var timings: [ModuleTimings]
    private var outputs: [[ActivationStatistics]]
    private var inputs: [[ActivationStatistics]]
    private var macs: [Int]
    private var traceEvents: [TraceEvent] = []
    private var traceOrigin: UInt64?
    private var failureThisPass: String?
    private var lastFailure: String?
    private var stack: [Frame] = []
    private var statisticsOverhead: UInt64 = 0
    private var handles: [RemovableHandle] = []
    private var forwardPasses = 0
    private var lastForward: UInt64 = 0
    private var nonFiniteThisPass: String?
    private var firstNonFinite: String?
    private let modules: [Module]
    private var backwardAttribution: BackwardAttribution
    private var gradients: [GradientStatistics?]
    private var firstNonFiniteGradient: String?

    /// Attaches to every entry of `model.namedModules()` (a shared module once, under its first name).
    public init(attachingTo model: Module, clock: any ProfilerClock = MonotonicClock(), options: Options = Options()) {
        self.clock = clock
        self.options = options
        let modules = model.namedModules()
        names = modules.map(\.name)
        classNames = modules.map(\.module.typeName)
        timings = modules.map { _ in ModuleTimings(windowSize: options.windowSize) }
        outputs = modules.map { _ in [] }
        inputs = modules.map { _ in [] }
        macs = modules.map { _ in 0 }
        self.modules = modules.map(\.module)
        backwardAttribution = BackwardAttribution(names: names, modules: modules.map(\.module), windowSize: options.windowSize)
        gradients = modules.map { _ in nil }
        for (row, entry) in modules.enumerated() {
            handles.append(entry.module.registerForwardPreHook { [unowned self] _, _ in
                self.push(row)
                return nil
            })
            handles.append(entry.module.registerForwardHook(alwaysCall: true) { [unowned self] module, args, output in
                self.pop(row, module, args, output)
                return nil
            })
        }
    }

    deinit { detach() }

    /// Removes every hook; idempotent.
    public func detach() {
        handles.forEach { $0.remove() }
        handles.removeAll()
    }

    private func push(_ row: Int) {
        if stack.isEmpty {
            nonFiniteThisPass = nil
            failureThisPass = nil
            backwardAttribution.beginForward()
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
        timings[row].record(selfTime: selfTime, inclusive: inclusive)
        if !stack.isEmpty { stack[stack.count - 1].children &+= inclusive }
        if traceEvents.count < options.traceEventLimit {
            let origin = traceOrigin ?? frame.start
            traceOrigin = origin
            traceEvents.append(TraceEvent(name: names[row], className: classNames[row], depth: stack.count,
                                          startNs: frame.start &- origin, durationNs: inclusive))
        }
        if case .none = output {} else { macs[row] = MACCounter.macs(module, inputs: args, output: output) }

        let every = options.statisticsEvery
        if every > 0 && (timings[row].calls - 1) % every == 0 {
            let statsStart = clock.nanoseconds()
            outputs[row] = output.flattenedTensors().map {
                ActivationStatistics.of($0.tensor, path: $0.path, sampleLimit: options.statisticsSampleLimit)
            }
            if options.inputStatistics {
                inputs[row] = Value.tuple(args).flattenedTensors().map {
                    ActivationStatistics.of($0.tensor, path: $0.path, sampleLimit: options.statisticsSampleLimit)
                }
            }
            if nonFiniteThisPass == nil, outputs[row].contains(where: { $0.nanCount > 0 || $0.infCount > 0 }) {
                nonFiniteThisPass = names[row]
            }
            statisticsOverhead &+= clock.nanoseconds() &- statsStart
        }
        if stack.isEmpty {
            forwardPasses += 1
            lastForward = inclusive
            if let nonFiniteThisPass { firstNonFinite = nonFiniteThisPass }
            lastFailure = failureThisPass
        }
    }

    /// Forgets everything measured so far (after warm-up runs, or when the user asks).
    public func reset() {
        timings = names.map { _ in ModuleTimings(windowSize: options.windowSize) }
        outputs = names.map { _ in [] }
        inputs = names.map { _ in [] }
        macs = names.map { _ in 0 }
        traceEvents.removeAll()
        traceOrigin = nil
        forwardPasses = 0
        lastForward = 0
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
        let nonFinite = gradients.firstIndex { ($0?.nanCount ?? 0) + ($0?.infCount ?? 0) > 0 }
        firstNonFiniteGradient = nonFinite.map { names[$0] }
    }

    /// The current measurements.
    public func report() -> ProfileReport {
        let rows = names.indices.map { i in
            ProfileReport.Row(
                name: names[i], className: classNames[i], calls: timings[i].calls,
                selfTime: .from(timings[i].selfSinceStart), inclusiveTime: .from(timings[i].inclusiveSinceStart),
                recentSelfTime: .from(window: timings[i].selfWindow),
                recentInclusiveTime: .from(window: timings[i].inclusiveWindow),
                history: timings[i].inclusiveWindow.map { Double($0) / 1e6 }, outputs: outputs[i], inputs: inputs[i], macs: macs[i],
                backward: backwardRow(i), gradient: gradients[i])
        }
        return ProfileReport(rows: rows, forwardPasses: forwardPasses, lastForwardMs: Double(lastForward) / 1e6,
                             firstNonFinite: firstNonFinite, failedModule: lastFailure, trace: traceEvents,
                             backwardPasses: backwardAttribution.passes,
                             lastBackwardMs: Double(backwardAttribution.lastPassNs) / 1e6,
                             firstNonFiniteGradient: firstNonFiniteGradient,
                             backwardNodes: backwardAttribution.byNodeName
                                .map { BackwardNodeTime(name: $0.key, totalMs: Double($0.value.ns) / 1e6, count: $0.value.count) }
                                .sorted { ($0.totalMs, $1.name) > ($1.totalMs, $0.name) })
    }
}

extension ModuleProfiler: BackwardObserver {
    public func nodeWillRun(_ node: AutogradNode) { backwardAttribution.nodeStarted(at: clock.nanoseconds()) }
    public func nodeDidRun(_ node: AutogradNode) { backwardAttribution.nodeFinished(node, at: clock.nanoseconds()) }

    fileprivate func backwardRow(_ row: Int) -> ProfileReport.Backward? {
        let t = backwardAttribution.timings[row]
        guard t.calls > 0, backwardAttribution.reachedLastPass[row] else { return nil }
        return ProfileReport.Backward(
            calls: t.calls, selfTime: .from(t.selfSinceStart), inclusiveTime: .from(t.inclusiveSinceStart),
            recentSelfTime: .from(window: t.selfWindow), recentInclusiveTime: .from(window: t.inclusiveWindow),
            history: t.inclusiveWindow.map { Double($0) / 1e6 })
    }
}
