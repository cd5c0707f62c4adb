@testable import NNTopUI

/// Builds fabricated `ModelInfo`s the way the app would from `named_modules()`.
struct ModelBuilder {
    private(set) var rows: [ModuleRow] = []
    private(set) var parameters: [ParameterInfo] = []

    /// Adds a module under `parent` with its own parameters `(attribute, shape)`; returns its row.
    @discardableResult
    mutating func add(
        _ name: String, _ className: String, parent: Int?, params: [(String, [Int])] = [], bufferBytes: Int = 0,
        output: String? = nil, flops: Int? = nil, error: String? = nil, shared: Bool = false, lazy: Bool = false
    ) -> Int {
        let row = rows.count
        var ids: [Int] = []
        for (attribute, shape) in params {
            let numel = shape.reduce(1, *)
            let id = 1000 + parameters.count
            ids.append(id)
            parameters.append(ParameterInfo(
                id: id, name: name.isEmpty ? attribute : "\(name).\(attribute)", shape: shape, dtype: "float32",
                numel: numel, bytes: 4 * numel, requiresGrad: true, ownerRows: [row]))
        }
        let depth = parent.map { rows[$0].depth + 1 } ?? 0
        let hasTensors = !params.isEmpty || bufferBytes > 0
        rows.append(ModuleRow(
            name: name, className: className, depth: depth, parent: parent,
            ownParamNumel: params.reduce(0) { $0 + $1.1.reduce(1, *) }, bufferBytes: bufferBytes,
            dtypes: hasTensors ? ["float32"] : [], devices: hasTensors ? ["cpu"] : [], outputShape: output,
            flops: flops, paramIDs: ids, isShared: shared, hasLazyParams: lazy, error: error))
        return row
    }

    /// Registers the parameter `id` on `row` as well (weight tying: `head.weight = embed.weight`).
    mutating func tie(_ id: Int, to row: Int) {
        guard let k = parameters.firstIndex(where: { $0.id == id }) else { return }
        parameters[k].ownerRows.append(row)
        rows[row].paramIDs.append(id)
        rows[row].ownParamNumel += parameters[k].numel
        rows[row].dtypes = ["float32"]
        rows[row].devices = ["cpu"]
    }

    func build(name: String, source: String) -> ModelInfo {
        ModelInfo(name: name, source: source, rows: rows, parameters: parameters)
    }
}

enum Fixtures {
    /// LeNet-5: 61,706 parameters, no tying.
    static func leNet(convError: String? = nil) -> ModelInfo {
        var b = ModelBuilder()
        let root = b.add("", "LeNet", parent: nil, output: "[1, 10]")
        b.add("conv1", "Conv2d", parent: root, params: [("weight", [6, 1, 5, 5]), ("bias", [6])],
              output: "[1, 6, 28, 28]", flops: 235_200)
        b.add("relu1", "ReLU", parent: root, output: "[1, 6, 28, 28]")
        b.add("pool1", "MaxPool2d", parent: root, output: "[1, 6, 14, 14]")
        b.add("conv2", "Conv2d", parent: root, params: [("weight", [16, 6, 5, 5]), ("bias", [16])],
              output: convError == nil ? "[1, 16, 10, 10]" : nil, flops: 480_000, error: convError)
        b.add("relu2", "ReLU", parent: root)
        b.add("pool2", "MaxPool2d", parent: root)
        b.add("fc1", "Linear", parent: root, params: [("weight", [120, 400]), ("bias", [120])], output: "[1, 120]",
              flops: 96_000)
        b.add("fc2", "Linear", parent: root, params: [("weight", [84, 120]), ("bias", [84])], output: "[1, 84]",
              flops: 20_160)
        b.add("fc3", "Linear", parent: root, params: [("weight", [10, 84]), ("bias", [10])], output: "[1, 10]",
              flops: 1_680)
        return b.build(name: "LeNet", source: "zoo:lenet")
    }

    /// A two-stage ResNet whose `head` is tied to `fc.weight`, with a shared ReLU and a lazy module.
    static func resNet() -> ModelInfo {
        var b = ModelBuilder()
        let bnBuffers = { (channels: Int) in 2 * channels * 4 + 8 }
        func bn(_ name: String, _ c: Int, parent: Int) {
            b.add(name, "BatchNorm2d", parent: parent, params: [("weight", [c]), ("bias", [c])],
                  bufferBytes: bnBuffers(c), output: nil)
        }
        let root = b.add("", "ResNet", parent: nil, output: "[1, 10]")
        b.add("conv1", "Conv2d", parent: root, params: [("weight", [64, 3, 7, 7])], output: "[1, 64, 112, 112]",
              flops: 236_027_904)
        bn("bn1", 64, parent: root)
        b.add("relu", "ReLU", parent: root, output: "[1, 64, 112, 112]", shared: true)
        let layer1 = b.add("layer1", "Sequential", parent: root)
        let block1 = b.add("layer1.0", "BasicBlock", parent: layer1)
        b.add("layer1.0.conv1", "Conv2d", parent: block1, params: [("weight", [64, 64, 3, 3])],
              output: "[1, 64, 56, 56]", flops: 231_211_008)
        bn("layer1.0.bn1", 64, parent: block1)
        b.add("layer1.0.conv2", "Conv2d", parent: block1, params: [("weight", [64, 64, 3, 3])],
              output: "[1, 64, 56, 56]", flops: 231_211_008)
        bn("layer1.0.bn2", 64, parent: block1)
        let layer2 = b.add("layer2", "Sequential", parent: root)
        let block2 = b.add("layer2.0", "BasicBlock", parent: layer2)
        b.add("layer2.0.conv1", "Conv2d", parent: block2, params: [("weight", [128, 64, 3, 3])],
              output: "[1, 128, 28, 28]", flops: 115_605_504)
        bn("layer2.0.bn1", 128, parent: block2)
        b.add("layer2.0.conv2", "Conv2d", parent: block2, params: [("weight", [128, 128, 3, 3])],
              output: "[1, 128, 28, 28]", flops: 231_211_008)
        bn("layer2.0.bn2", 128, parent: block2)
        let down = b.add("layer2.0.downsample", "Sequential", parent: block2)
        b.add("layer2.0.downsample.0", "Conv2d", parent: down, params: [("weight", [128, 64, 1, 1])],
              output: "[1, 128, 28, 28]", flops: 12_845_056)
        bn("layer2.0.downsample.1", 128, parent: down)
        b.add("avgpool", "AdaptiveAvgPool2d", parent: root, output: "[1, 128, 1, 1]")
        let fc = b.add("fc", "Linear", parent: root, params: [("weight", [10, 128]), ("bias", [10])],
                       output: "[1, 10]", flops: 2_560)
        let head = b.add("head", "Linear", parent: root, params: [("bias", [10])], output: "[1, 10]")
        b.tie(b.rows[fc].paramIDs[0], to: head)
        b.add("probe", "LazyLinear", parent: root, lazy: true)
        return b.build(name: "ResNet", source: "zoo:resnet-tiny")
    }

    /// A deterministic profile for `model`: inclusive times add up, leaves do the work.
    static func profile(for model: ModelInfo, nonFiniteRow: Int? = nil) -> ProfileSnapshot {
        SyntheticModel.profile(for: model).with(firstNonFiniteRow: nonFiniteRow)
    }
}

extension ProfileSnapshot {
    /// The same profile in train-step mode: backward about twice the forward, gradients on rows with
    /// parameters; rows in `frozen` (and their subtrees) get neither, like a frozen prefix in PyTorch.
    func inTrainStep(model: ModelInfo, frozen: Set<Int> = [], nonFiniteGradientRow: Int? = nil) -> ProfileSnapshot {
        var copy = self
        func isFrozen(_ row: Int) -> Bool {
            var r: Int? = row
            while let current = r, current >= 0 {
                if frozen.contains(current) { return true }
                r = model.rows[current].parent
            }
            return false
        }
        copy.rows = rows.enumerated().map { i, profile in
            guard var profile else { return nil }
            guard !isFrozen(i) else { return profile }
            let scale = { (s: LatencyStats) in LatencyStats(p50: s.p50 * 2, p90: s.p90 * 2, p99: s.p99 * 2, max: s.max * 2) }
            profile.backward = BackwardProfile(selfTime: scale(profile.selfTime), inclusive: scale(profile.inclusive))
            if !model.rows[i].paramIDs.isEmpty {
                let bad = i == nonFiniteGradientRow
                profile.gradient = GradientStats(norm: bad ? .nan : 0.5 + Double(i % 7) / 10, mean: 1e-4, maxAbs: 0.05,
                                                 nanCount: bad ? 3 : 0)
            }
            return profile
        }
        copy.trainStep = TrainStepStatus(losses: [2.31, 2.2, 2.05], backwardMs: 12.5, firstNonFiniteGradientRow: nonFiniteGradientRow)
        return copy
    }

    func with(firstNonFiniteRow row: Int?) -> ProfileSnapshot {
        var copy = self
        copy.firstNonFiniteRow = row
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
    var shownNames: [String] { visible.lines.map { model.rows[$0.row].name } }

    func row(named name: String) -> Int {
        model.rows.firstIndex { $0.name == name } ?? -1
    }
}
