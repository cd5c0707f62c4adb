import OrderedCollections

/// torch.nn.modules.batchnorm._NormBase/_BatchNorm: affine weight/bias, running statistics and
/// `num_batches_tracked`; state-dict version 2.
open class BatchNorm: Module {
    public internal(set) var numFeatures: Int
    public let eps: Double
    public let momentum: Double?
    public let affine: Bool
    public let trackRunningStats: Bool

    override open class var version: Int { 2 }

    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true, device: Device? = nil, dtype: DType? = nil) {
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.trackRunningStats = trackRunningStats
        super.init()
        _parameters["weight"] = .some(affine ? Parameter(Tensor.ones([numFeatures], dtype: dtype, device: device)) : nil)
        _parameters["bias"] = .some(affine ? Parameter(Tensor.zeros([numFeatures], dtype: dtype, device: device)) : nil)
        if trackRunningStats {
            _buffers["running_mean"] = .some(Tensor.zeros([numFeatures], dtype: dtype, device: device))
            _buffers["running_var"] = .some(Tensor.ones([numFeatures], dtype: dtype, device: device))
            _buffers["num_batches_tracked"] = .some(Tensor.zeros([], dtype: .int64, device: device))
        } else {
            _buffers["running_mean"] = .some(nil)
            _buffers["running_var"] = .some(nil)
            _buffers["num_batches_tracked"] = .some(nil)
        }
    }

    /// For the lazy variants: placeholders until the first input.
    init(lazyEps eps: Double, momentum: Double?, affine: Bool, trackRunningStats: Bool, device: Device?, dtype: DType?) {
        self.numFeatures = 0
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.trackRunningStats = trackRunningStats
        super.init()
        _parameters["weight"] = .some(affine ? UninitializedParameter(device: device, dtype: dtype) : nil)
        _parameters["bias"] = .some(affine ? UninitializedParameter(device: device, dtype: dtype) : nil)
        _buffers["running_mean"] = .some(trackRunningStats ? UninitializedBuffer(device: device, dtype: dtype) : nil)
        _buffers["running_var"] = .some(trackRunningStats ? UninitializedBuffer(device: device, dtype: dtype) : nil)
        _buffers["num_batches_tracked"] = .some(trackRunningStats ? Tensor.zeros([], dtype: .int64, device: device) : nil)
    }

    public var weight: Parameter? { parameter("weight") }
    public var bias: Parameter? { parameter("bias") }
    public var runningMean: Tensor? { buffer("running_mean") }
    public var runningVar: Tensor? { buffer("running_var") }
    public var numBatchesTracked: Tensor? { buffer("num_batches_tracked") }

    override open var extraAttributes: OrderedDictionary<String, Value> {
        ["num_features": .int(numFeatures), "eps": .double(eps), "momentum": momentum.map { .double($0) } ?? .none]
    }

    override open func extraRepr() -> String {
        "\(numFeatures), eps=\(pythonFloat(eps)), momentum=\(momentum.map(pythonFloat) ?? "None"), affine=\(pythonBool(affine)), bias=\(pythonBool(affine)), track_running_stats=\(pythonBool(trackRunningStats))"
    }

    /// Version-1 checkpoints have no `num_batches_tracked`: PyTorch fills it in instead of reporting it missing.
    override open func loadFromStateDict(_ stateDict: inout StateDict, prefix: String, localMetadata: [String: Value],
                                         strict: Bool, missingKeys: inout [String], unexpectedKeys: inout [String],
                                         errorMsgs: inout [String]) throws {
        var version: Int?
        if case .int(let v)? = localMetadata["version"] { version = v }
        if (version ?? 0) < 2 && trackRunningStats {
            let key = prefix + "num_batches_tracked"
            if stateDict[key] == nil {
                let current = numBatchesTracked.flatMap { $0.isMeta ? nil : $0 }
                stateDict[key] = .tensor(current ?? Tensor(scalar: 0))
            }
        }
        try defaultLoadFromStateDict(&stateDict, prefix: prefix, localMetadata: localMetadata, strict: strict,
                                     missingKeys: &missingKeys, unexpectedKeys: &unexpectedKeys, errorMsgs: &errorMsgs)
    }

    /// Checks the input rank for the concrete class (BatchNorm1d: 2-D/3-D, BatchNorm2d: 4-D).
    open func checkInputDim(_ input: Tensor) throws {}

    override open func forward(_ input: Tensor) throws -> Tensor {
        try checkInputDim(input)
        guard input.rank >= 2, input.sizes[1] == numFeatures else {
            throw TorchError.runtimeError("running_mean should contain \(input.rank >= 2 ? input.sizes[1] : 0) elements not \(numFeatures)")
        }
        if input.isMeta { return Tensor(storage: nil, shape: input.sizes, dtype: input.dtype, device: .meta) }
        let useBatchStats = training || !trackRunningStats
        var factor = momentum ?? 0
        if training && trackRunningStats, let tracked = numBatchesTracked {
            try tracked.copy_(try tracked + 1)
            if momentum == nil { factor = 1 / (try tracked.item()) }
        }
        // An empty batch has no statistics: PyTorch leaves the running averages alone (num_batches_tracked
        // still counts the call) and returns the empty input.
        if input.count == 0 { return Tensor.empty(input.sizes, dtype: input.dtype) }
        return try Tensor.batchNorm(input, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                                    training: useBatchStats, momentum: factor, eps: eps)
    }
}

/// torch.nn.BatchNorm1d.
open class BatchNorm1d: BatchNorm {
    override open func checkInputDim(_ input: Tensor) throws {
        guard input.rank == 2 || input.rank == 3 else {
            throw TorchError.valueError("expected 2D or 3D input (got \(input.rank)D input)")
        }
    }
}

/// torch.nn.BatchNorm2d.
public final class BatchNorm2d: BatchNorm {
    override public func checkInputDim(_ input: Tensor) throws {
        guard input.rank == 4 else { throw TorchError.valueError("expected 4D input (got \(input.rank)D input)") }
    }
}

/// torch.nn.LazyBatchNorm1d: `num_features` is inferred from the first input.
public final class LazyBatchNorm1d: BatchNorm1d {
    public init(eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true, trackRunningStats: Bool = true,
                device: Device? = nil, dtype: DType? = nil) {
        super.init(lazyEps: eps, momentum: momentum, affine: affine, trackRunningStats: trackRunningStats, device: device, dtype: dtype)
        installLazyHooks(becomes: "BatchNorm1d") { module, args in
            guard let self = module as? LazyBatchNorm1d, self.hasUninitializedParams() else { return }
            guard let input = args.first?.tensor, input.rank >= 2 else {
                throw TorchError.typeError("LazyBatchNorm1d expects a 2-D or 3-D tensor input")
            }
            let features = input.sizes[1]
            self.numFeatures = features
            for t in [self.weight as Tensor?, self.bias, self.runningMean, self.runningVar].compactMap({ $0 }) where t.isLazy {
                self.materialize(t, [features])
            }
            try self.weight?.fill_(1)
            try self.bias?.zero_()
            try self.runningMean?.zero_()
            try self.runningVar?.fill_(1)
        }
    }
}
