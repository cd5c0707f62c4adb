import ModelView
import Synchronization
@testable import NNTopUI

/// Builds fabricated `ModelTree`s the way a source would from `named_modules()`, and remembers what a
/// sample forward would report for each module (output shape, FLOPs) for `Fixtures.profile(for:)`.
struct ModelBuilder {
    private(set) var modules: [ModuleNode] = []
    private(set) var parameters: [ParameterSpec] = []
    private(set) var outputs: [String: [Int]] = [:]
    private(set) var flops: [String: Int] = [:]

    /// Adds a module under `parent` with its own parameters `(attribute, shape)` and float32 buffers
    /// `(attribute, shape)`; returns its row.
    @discardableResult
    mutating func add(
        _ name: String, _ className: String, parent: Int?, params: [(String, [Int])] = [],
        buffers: [(String, [Int], String)] = [], output: [Int]? = nil, flops: Int? = nil, shared: Bool = false,
        lazy: Bool = false
    ) -> Int {
        var refs: [ParameterRef] = []
        for (attribute, shape) in params {
            let id = 1000 + parameters.count
            refs.append(ParameterRef(name: attribute, tensor: id))
            parameters.append(ParameterSpec(id: id, name: name.isEmpty ? attribute : "\(name).\(attribute)", shape: shape,
                                            dtype: "float32"))
        }
        modules.append(ModuleNode(
            name: name, className: className, parent: parent, params: refs,
            buffers: buffers.map { BufferSpec(name: $0.0, shape: $0.1, dtype: $0.2) }, shared: shared, lazy: lazy))
        if let output { outputs[name] = output }
        if let flops { self.flops[name] = flops }
        return modules.count - 1
    }

    /// Registers the parameter `id` on `row` as well (weight tying: `head.weight = embed.weight`).
    mutating func tie(_ id: Int, as attribute: String, to row: Int) {
        modules[row].params.append(ParameterRef(name: attribute, tensor: id))
    }

    func build(name: String, source: String) -> ModelTree {
        let tree = ModelTree(name: name, source: source, modules: modules, parameters: parameters)
        Fixtures.forwards.withLock { $0[source] = (outputs, flops) }
        return tree
    }
}

enum Fixtures {
    /// What each fixture's sample forward reports, by source: output shapes and own FLOPs by module name.
    /// Tests run in parallel and build fixtures concurrently, so the table is behind a lock (an unguarded
    /// dictionary crashed CI one run in four).
    static let forwards = Mutex<[String: (outputs: [String: [Int]], flops: [String: Int])]>([:])

    /// LeNet-5: 61,706 parameters, no tying.
    static func leNet() -> ModelTree {
        var b = ModelBuilder()
        let root = b.add("", "LeNet", parent: nil, output: [1, 10])
        b.add("conv1", "Conv2d", parent: root, params: [("weight", [6, 1, 5, 5]), ("bias", [6])],
              output: [1, 6, 28, 28], flops: 235_200)
        b.add("relu1", "ReLU", parent: root, output: [1, 6, 28, 28])
        b.add("pool1", "MaxPool2d", parent: root, output: [1, 6, 14, 14])
        b.add("conv2", "Conv2d", parent: root, params: [("weight", [16, 6, 5, 5]), ("bias", [16])],
              output: [1, 16, 10, 10], flops: 480_000)
        b.add("relu2", "ReLU", parent: root)
        b.add("pool2", "MaxPool2d", parent: root)
        b.add("fc1", "Linear", parent: root, params: [("weight", [120, 400]), ("bias", [120])], output: [1, 120],
              flops: 96_000)
        b.add("fc2", "Linear", parent: root, params: [("weight", [84, 120]), ("bias", [84])], output: [1, 84],
              flops: 20_160)
        b.add("fc3", "Linear", parent: root, params: [("weight", [10, 84]), ("bias", [10])], output: [1, 10],
              flops: 1_680)
        return b.build(name: "LeNet", source: "zoo:lenet")
    }

    /// A two-stage ResNet whose `head` is tied to `fc.weight`, with a shared ReLU and a lazy module.
    static func resNet() -> ModelTree {
        var b = ModelBuilder()
        func bn(_ name: String, _ c: Int, parent: Int) {
            b.add(name, "BatchNorm2d", parent: parent, params: [("weight", [c]), ("bias", [c])],
                  buffers: [("running_mean", [c], "float32"), ("running_var", [c], "float32"),
                            ("num_batches_tracked", [], "int64")])
        }
        let root = b.add("", "ResNet", parent: nil, output: [1, 10])
        b.add("conv1", "Conv2d", parent: root, params: [("weight", [64, 3, 7, 7])], output: [1, 64, 112, 112],
              flops: 236_027_904)
        bn("bn1", 64, parent: root)
        b.add("relu", "ReLU", parent: root, output: [1, 64, 112, 112], shared: true)
        let layer1 = b.add("layer1", "Sequential", parent: root)
        let block1 = b.add("layer1.0", "BasicBlock", parent: layer1)
        b.add("layer1.0.conv1", "Conv2d", parent: block1, params: [("weight", [64, 64, 3, 3])],
              output: [1, 64, 56, 56], flops: 231_211_008)
        bn("layer1.0.bn1", 64, parent: block1)
        b.add("layer1.0.conv2", "Conv2d", parent: block1, params: [("weight", [64, 64, 3, 3])],
              output: [1, 64, 56, 56], flops: 231_211_008)
        bn("layer1.0.bn2", 64, parent: block1)
        let layer2 = b.add("layer2", "Sequential", parent: root)
        let block2 = b.add("layer2.0", "BasicBlock", parent: layer2)
        b.add("layer2.0.conv1", "Conv2d", parent: block2, params: [("weight", [128, 64, 3, 3])],
              output: [1, 128, 28, 28], flops: 115_605_504)
        bn("layer2.0.bn1", 128, parent: block2)
        b.add("layer2.0.conv2", "Conv2d", parent: block2, params: [("weight", [128, 128, 3, 3])],
              output: [1, 128, 28, 28], flops: 231_211_008)
        bn("layer2.0.bn2", 128, parent: block2)
        let down = b.add("layer2.0.downsample", "Sequential", parent: block2)
        b.add("layer2.0.downsample.0", "Conv2d", parent: down, params: [("weight", [128, 64, 1, 1])],
              output: [1, 128, 28, 28], flops: 12_845_056)
        bn("layer2.0.downsample.1", 128, parent: down)
        b.add("avgpool", "AdaptiveAvgPool2d", parent: root, output: [1, 128, 1, 1])
        let fc = b.add("fc", "Linear", parent: root, params: [("weight", [10, 128]), ("bias", [10])],
                       output: [1, 10], flops: 2_560)
        let head = b.add("head", "Linear", parent: root, params: [("bias", [10])], output: [1, 10])
        b.tie(b.modules[fc].params[0].tensor, as: "weight", to: head)
        b.add("probe", "LazyLinear", parent: root, lazy: true)
        return b.build(name: "ResNet", source: "zoo:resnet-tiny")
    }

    /// A deterministic profile for `tree`: inclusive times add up, leaves do the work; output shapes and
    /// FLOPs are what the fixture's builder recorded.
    static func profile(for tree: ModelTree, nonFiniteRow: Int? = nil) -> ProfileSnapshot {
        var snapshot = SyntheticModel.profile(for: tree)
        let forward = forwards.withLock { $0[tree.source] }
        for k in snapshot.modules.indices {
            let name = snapshot.modules[k].name
            snapshot.modules[k].flops = forward?.flops[name]
            if let shape = forward?.outputs[name] {
                snapshot.modules[k].outputs = [ActivationStats(shape: shape, dtype: "float32", numel: shape.reduce(1, *),
                                                               mean: 0.01, std: 1, min: -4, max: 4, zeroFraction: 0.1,
                                                               sampled: shape.reduce(1, *))]
            } else {
                snapshot.modules[k].outputs = []
            }
        }
        snapshot.firstNonFinite = nonFiniteRow.map { tree.modules[$0].name }
        return snapshot
    }

    /// The snapshot of a sample forward that raised in `module`: the modules before it ran, then the runner
    /// stopped with the error.
    static func failedForward(_ tree: ModelTree, in module: String, message: String) -> ProfileSnapshot {
        var snapshot = profile(for: tree)
        let failedRow = tree.modules.firstIndex { $0.name == module } ?? 0
        snapshot.modules = snapshot.modules.enumerated().filter { $0.offset < failedRow && $0.offset > 0 }.map(\.element)
        snapshot.runner = RunnerStatus(state: .failed, message: message)
        snapshot.failedModule = module
        return snapshot
    }
}

extension ProfileSnapshot {
    /// The same profile in train-step mode: backward about twice the forward, gradients on rows with
    /// parameters; rows in `frozen` (and their subtrees) get neither, like a frozen prefix in PyTorch.
    func inTrainStep(model: ModelTree, frozen: Set<Int> = [], nonFiniteGradientRow: Int? = nil) -> ProfileSnapshot {
        var copy = self
        func isFrozen(_ row: Int) -> Bool {
            var r: Int? = row
            while let current = r, current >= 0 {
                if frozen.contains(current) { return true }
                r = model.modules[current].parent
            }
            return false
        }
        let rowOf = Dictionary(model.modules.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { a, _ in a })
        copy.modules = modules.map { profile in
            var profile = profile
            guard let i = rowOf[profile.name], !isFrozen(i) else { return profile }
            func scale(_ t: Timing) -> Timing {
                func twice(_ p: Percentiles) -> Percentiles {
                    Percentiles(p50: p.p50 * 2, p90: p.p90 * 2, p99: p.p99 * 2, max: p.max * 2, mean: p.mean * 2)
                }
                return Timing(window: twice(t.window), total: twice(t.total))
            }
            profile.backward = BackwardProfile(passes: 10, selfTime: scale(profile.selfTime), inclusive: scale(profile.inclusive))
            if !model.modules[i].params.isEmpty {
                let bad = i == nonFiniteGradientRow
                profile.gradient = GradientStats(count: 100, norm: bad ? .nan : 0.5 + Double(i % 7) / 10, mean: 1e-4,
                                                 maxAbs: 0.05, nanCount: bad ? 3 : 0)
            }
            return profile
        }
        copy.runner.trainStep = true
        copy.runner.losses = [2.31, 2.2, 2.05]
        copy.runner.lastBackwardMs = 12.5
        copy.firstNonFiniteGradient = nonFiniteGradientRow.map { model.modules[$0].name }
        return copy
    }
}

extension AppState {
    /// Feeds keys through the reducer, collecting the effects.
    @discardableResult
    mutating func press(_ keys: Key...) -> [Effect] {
        keys.flatMap { reduce(&self, .key($0)) }
    }

    /// Types `text` one character at a time.
    mutating func type(_ text: String) {
        for c in text { _ = reduce(&self, .key(.char(c))) }
    }

    /// The displayed rows' names, in order.
    var shownNames: [String] { visible.lines.map { model.modules[$0.row].name } }

    func row(named name: String) -> Int {
        model.modules.firstIndex { $0.name == name } ?? -1
    }
}
