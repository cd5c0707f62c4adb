/// What the model *did*: one immutable picture of the measurements, published by a runner or an agent and
/// read by the views at their own rate. Module entries are matched to tree rows by name (`Figures`).
public struct ProfileSnapshot: Codable, Sendable, Equatable {
    public var runner: RunnerStatus
    /// The first module (execution order) whose output held NaN/Inf in the last forward that had any.
    public var firstNonFinite: String?
    /// The innermost module running when the last forward raised.
    public var failedModule: String?
    /// The first module (tree order) whose parameter gradients hold NaN/Inf.
    public var firstNonFiniteGradient: String?
    /// Modules that ran, in tree order.
    public var modules: [ModuleProfile]
    /// Backward time per autograd node class since the reset, most expensive first.
    public var backwardNodes: [BackwardNodeTime]

    enum CodingKeys: String, CodingKey {
        case runner, firstNonFinite = "first_non_finite", failedModule = "failed_module",
             firstNonFiniteGradient = "first_non_finite_gradient", modules, backwardNodes = "backward_nodes"
    }

    public init(runner: RunnerStatus, modules: [ModuleProfile], firstNonFinite: String? = nil, failedModule: String? = nil,
                firstNonFiniteGradient: String? = nil, backwardNodes: [BackwardNodeTime] = []) {
        self.runner = runner
        self.modules = modules
        self.firstNonFinite = firstNonFinite
        self.failedModule = failedModule
        self.firstNonFiniteGradient = firstNonFiniteGradient
        self.backwardNodes = backwardNodes
    }

    /// The entry of the module named `name`, if it ran.
    public func module(named name: String) -> ModuleProfile? { modules.first { $0.name == name } }
}

/// The state of whatever runs the model.
public struct RunnerStatus: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable {
        /// Weights, inputs or data still materializing.
        case loading
        case running, paused, failed, finished
        /// A session file: nothing runs, the numbers are the file's.
        case recorded
    }

    public var state: State
    /// Why it failed, or what it is loading.
    public var message: String?
    /// Forward passes (train-step mode: steps) measured since the last reset.
    public var forwards: Int
    public var runsPerSecond: Double
    /// Each run is `zero_grad`, forward, loss, backward and an optimizer step.
    public var trainStep: Bool
    /// Recent losses, oldest first (train-step mode).
    public var losses: [Double]
    /// Wall time of the last whole backward, loss included.
    public var lastBackwardMs: Double?
    /// Why the last training step failed (train-step mode was then switched off).
    public var trainStepError: String?
    /// Samples dropped on the way to the viewer (an attached process never waits for it).
    public var dropped: Int
    /// The model lives on the `meta` device: forwards propagate shapes only.
    public var shapesOnly: Bool
    /// Forwards covered by the `window` figures.
    public var window: Int

    enum CodingKeys: String, CodingKey {
        case state, message, forwards, runsPerSecond = "runs_per_second", trainStep = "train_step", losses,
             lastBackwardMs = "last_backward_ms", trainStepError = "train_step_error", dropped,
             shapesOnly = "shapes_only", window
    }

    public init(state: State, message: String? = nil, forwards: Int = 0, runsPerSecond: Double = 0, trainStep: Bool = false,
                losses: [Double] = [], lastBackwardMs: Double? = nil, trainStepError: String? = nil, dropped: Int = 0,
                shapesOnly: Bool = false, window: Int = 64) {
        self.state = state
        self.message = message
        self.forwards = forwards
        self.runsPerSecond = runsPerSecond
        self.trainStep = trainStep
        self.losses = losses
        self.lastBackwardMs = lastBackwardMs
        self.trainStepError = trainStepError
        self.dropped = dropped
        self.shapesOnly = shapesOnly
        self.window = window
    }

    /// Lenient: a writer may leave out what it does not measure (an agent has no `shapes_only`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        state = try c.decode(State.self, forKey: .state)
        message = try c.decodeIfPresent(String.self, forKey: .message)
        forwards = try c.decodeIfPresent(Int.self, forKey: .forwards) ?? 0
        runsPerSecond = try c.decodeIfPresent(Double.self, forKey: .runsPerSecond) ?? 0
        trainStep = try c.decodeIfPresent(Bool.self, forKey: .trainStep) ?? false
        losses = try c.decodeIfPresent([Double].self, forKey: .losses) ?? []
        lastBackwardMs = try c.decodeIfPresent(Double.self, forKey: .lastBackwardMs)
        trainStepError = try c.decodeIfPresent(String.self, forKey: .trainStepError)
        dropped = try c.decodeIfPresent(Int.self, forKey: .dropped) ?? 0
        shapesOnly = try c.decodeIfPresent(Bool.self, forKey: .shapesOnly) ?? false
        window = try c.decodeIfPresent(Int.self, forKey: .window) ?? 64
    }
}

/// What was measured for one module. Times are **per forward**: all calls of one forward added up, so a
/// module called twice (torchvision's `BasicBlock.relu`) is counted in full.
public struct ModuleProfile: Codable, Sendable, Equatable {
    public var name: String
    /// Calls since the last reset.
    public var calls: Int
    public var callsPerForward: Double
    /// Inclusive minus every module call that ran inside it.
    public var selfTime: Timing
    /// From the forward pre-hook to the forward hook.
    public var inclusive: Timing
    /// Recent inclusive times per forward, oldest first.
    public var historyMs: [Double]
    /// Own FLOPs per forward (2 × MACs, torchinfo's convention); `nil` when unknown.
    public var flops: Int?
    /// Statistics of each output tensor of the last call whose statistics were taken.
    public var outputs: [ActivationStats]
    /// Statistics of the positional inputs, when asked for.
    public var inputs: [ActivationStats]
    /// Recent output means, oldest first.
    public var meanHistory: [Double]
    /// Train-step mode: the autograd nodes its forward created; `nil` when no gradient flowed through it.
    public var backward: BackwardProfile?
    /// Train-step mode: its own parameters' gradients after the last backward.
    public var gradient: GradientStats?

    enum CodingKeys: String, CodingKey {
        case name, calls, callsPerForward = "calls_per_forward", selfTime = "self_ms", inclusive = "inclusive_ms",
             historyMs = "history_ms", flops, outputs, inputs, meanHistory = "mean_history", backward, gradient
    }

    public init(name: String, calls: Int, callsPerForward: Double = 1, selfTime: Timing, inclusive: Timing,
                historyMs: [Double] = [], flops: Int? = nil, outputs: [ActivationStats] = [], inputs: [ActivationStats] = [],
                meanHistory: [Double] = [], backward: BackwardProfile? = nil, gradient: GradientStats? = nil) {
        self.name = name
        self.calls = calls
        self.callsPerForward = callsPerForward
        self.selfTime = selfTime
        self.inclusive = inclusive
        self.historyMs = historyMs
        self.flops = flops
        self.outputs = outputs
        self.inputs = inputs
        self.meanHistory = meanHistory
        self.backward = backward
        self.gradient = gradient
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        calls = try c.decode(Int.self, forKey: .calls)
        callsPerForward = try c.decodeIfPresent(Double.self, forKey: .callsPerForward) ?? 1
        selfTime = try c.decode(Timing.self, forKey: .selfTime)
        inclusive = try c.decode(Timing.self, forKey: .inclusive)
        historyMs = try c.decodeIfPresent([Double].self, forKey: .historyMs) ?? []
        flops = try c.decodeIfPresent(Int.self, forKey: .flops)
        outputs = try c.decodeIfPresent([ActivationStats].self, forKey: .outputs) ?? []
        inputs = try c.decodeIfPresent([ActivationStats].self, forKey: .inputs) ?? []
        meanHistory = try c.decodeIfPresent([Double].self, forKey: .meanHistory) ?? []
        backward = try c.decodeIfPresent(BackwardProfile.self, forKey: .backward)
        gradient = try c.decodeIfPresent(GradientStats.self, forKey: .gradient)
    }

    /// The first output's shape, as PyTorch prints a size list (`[1, 64, 56, 56]`).
    public var outputShape: String? {
        outputs.first.map { "[" + $0.shape.map(String.init).joined(separator: ", ") + "]" }
    }
}

/// Percentiles and mean of a time, in milliseconds.
public struct Percentiles: Codable, Sendable, Equatable {
    public var p50: Double, p90: Double, p99: Double, max: Double, mean: Double

    public init(p50: Double, p90: Double, p99: Double, max: Double, mean: Double) {
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.max = max
        self.mean = mean
    }

    public static let zero = Percentiles(p50: 0, p90: 0, p99: 0, max: 0, mean: 0)
}

/// A time over the recent window of forwards and since the start.
public struct Timing: Codable, Sendable, Equatable {
    public var window: Percentiles
    public var total: Percentiles

    public init(window: Percentiles, total: Percentiles) {
        self.window = window
        self.total = total
    }
}

/// Backward time charged to a module (its own autograd nodes; inclusive adds its submodules').
public struct BackwardProfile: Codable, Sendable, Equatable {
    public var passes: Int
    public var selfTime: Timing
    public var inclusive: Timing
    public var historyMs: [Double]

    enum CodingKeys: String, CodingKey {
        case passes, selfTime = "self_ms", inclusive = "inclusive_ms", historyMs = "history_ms"
    }

    public init(passes: Int, selfTime: Timing, inclusive: Timing, historyMs: [Double] = []) {
        self.passes = passes
        self.selfTime = selfTime
        self.inclusive = inclusive
        self.historyMs = historyMs
    }
}

/// One autograd node class's share of the backward passes (torch profiler:
/// `autograd::engine::evaluate_function: X`).
public struct BackwardNodeTime: Codable, Sendable, Equatable {
    public var name: String
    public var ms: Double
    public var count: Int

    public init(name: String, ms: Double, count: Int) {
        self.name = name
        self.ms = ms
        self.count = count
    }
}
