/// The derivatives of the normalizations: the input gradient goes through the normalized rows (a row is a
/// sample's trailing dimensions for layer and RMS norm, a (sample, group) slot for group norm), the affine
/// gradients are summed over everything but the affine dimension; batch norm has its own kernel below.
extension Derivatives {
    /// LayerNorm over the trailing `n` elements of each row (without the affine part); returns the input
    /// gradient given the gradient of the normalized value.
    public static func normalizeRows(_ gNormalized: Tensor, input x: Tensor, rowLength n: Int, eps: Double, centered: Bool) throws -> Tensor {
        try TypedBackward.withRows([x, gNormalized], dtype: x.dtype, NormalizeRowsBackward(n: n, eps: eps, centered: centered))
    }

    /// Gradients of (input, weight, bias); `runningStatistics` are eval mode's (mean, var), nil in training.
    static func batchNorm(_ g: Tensor, input: Tensor, weight: Tensor?, bias: Tensor?, runningStatistics: (Tensor?, Tensor?)?,
                          eps: Double) throws -> [Tensor?] {
        var running: (mean: [Double], variance: [Double])?
        if let (mean, variance) = runningStatistics, let mean, let variance { running = (try mean.toDoubles(), try variance.toDoubles()) }
        let kernel = BatchNormBackward(batch: input.sizes[0], channels: input.sizes[1], spatial: input.sizes.dropFirst(2).reduce(1, *),
                                       eps: eps, running: running)
        let (gInput, gWeight, gBias) = try kernel.run(g, input: input, weight: weight, needsInput: input.requiresGrad)
        return [gInput, weight == nil ? nil : gWeight, bias == nil ? nil : gBias]
    }

    static func groupNorm(_ g: Tensor, input: Tensor, numGroups: Int, weight: Tensor?, bias: Tensor?, eps: Double) throws -> [Tensor?] {
        let channels = input.sizes[1]
        var perChannel = [Int](repeating: 1, count: input.rank)
        perChannel[1] = channels
        let gNormalized = try weight.map { try g * (try $0.view(perChannel)) } ?? g
        let rowLength = input.count / Swift.max(input.sizes[0] * numGroups, 1)
        let gInput = try normalizeRows(gNormalized, input: try input.contiguous(), rowLength: rowLength, eps: eps, centered: true)
        let channelSums: (Tensor) throws -> Tensor = { try $0.transpose(0, 1).contiguous().reshape([channels, -1]).sum(dims: [1]) }
        let gWeight = try weight.map { _ in
            try channelSums(try g * (try Tensor.groupNormValues(input, numGroups: numGroups, weight: nil, bias: nil, eps: eps)))
        }
        let gBias = try bias.map { _ in try channelSums(g) }
        return [gInput, gWeight, gBias]
    }

    static func layerNorm(_ g: Tensor, input: Tensor, normalizedShape: [Int], weight: Tensor?, bias: Tensor?, eps: Double) throws -> [Tensor?] {
        let n = normalizedShape.reduce(1, *)
        let normalized = try Tensor.layerNormValues(input, normalizedShape: normalizedShape, weight: nil, bias: nil, eps: eps)
        let gNormalized = try weight.map { try g * $0 } ?? g
        let gInput = try normalizeRows(gNormalized, input: try input.contiguous(), rowLength: n, eps: eps, centered: true)
        let rowsOf: (Tensor) throws -> Tensor = { try $0.contiguous().reshape([-1, n]).sum(dims: [0]).reshape(normalizedShape) }
        let gWeight = weight == nil ? nil : try rowsOf(try g * normalized)
        let gBias = bias == nil ? nil : try rowsOf(g)
        return [gInput, gWeight, gBias]
    }

    static func rmsNorm(_ g: Tensor, input: Tensor, normalizedShape: [Int], weight: Tensor?, eps: Double) throws -> [Tensor?] {
        let n = normalizedShape.reduce(1, *)
        let gNormalized = try weight.map { try g * $0 } ?? g
        let gInput = try normalizeRows(gNormalized, input: try input.contiguous(), rowLength: n, eps: eps, centered: false)
        let gWeight = try weight.map { _ in
            let normalized = try Tensor.rmsNormValues(input, normalizedShape: normalizedShape, weight: nil, eps: eps)
            return try (try g * normalized).contiguous().reshape([-1, n]).sum(dims: [0]).reshape(normalizedShape)
        }
        return [gInput, gWeight]
    }
}

/// Batch norm's derivative in three passes per channel over `[N, C, spatial]` memory, in the compute type
/// with Double sums (the composed formulation made about ten passes and two transposed copies):
/// with batch statistics `x̂ = (x − mean)·invstd`, `∂x = w·invstd·(g − Σg/M − x̂·Σ(g·x̂)/M)`; with running
/// statistics (eval) `∂x = w·invstd·g`; in both `∂w = Σ g·x̂`, `∂b = Σ g`.
struct BatchNormBackward {
    let batch: Int, channels: Int, spatial: Int
    let eps: Double
    /// Running mean and variance in eval mode; nil means the batch's own statistics.
    let running: (mean: [Double], variance: [Double])?

    func run(_ g: Tensor, input: Tensor, weight: Tensor?, needsInput: Bool) throws -> (input: Tensor?, weight: Tensor, bias: Tensor) {
        let compute = ComputeType.of(input.dtype)
        let x = try input.contiguous(as: compute), gy = try g.contiguous(as: compute)
        let w = try weight.map { try $0.toDoubles() }
        let gInput = needsInput ? Tensor.empty(input.sizes, dtype: compute) : nil
        var gWeight = [Double](repeating: 0, count: channels), gBias = [Double](repeating: 0, count: channels)
        func channelsLoop<T: KernelFloat>(_: T.Type) {
            let xp = x.elementPointer(T.self), gp = gy.elementPointer(T.self), out = gInput?.elementPointer(T.self)
            let m = Double(batch * spatial)
            gWeight.withUnsafeMutableBufferPointer { gw in
                gBias.withUnsafeMutableBufferPointer { gb in
                    let gwp = UncheckedSendable(gw.baseAddress!), gbp = UncheckedSendable(gb.baseAddress!)
                    parallelChunks(channels, grain: Swift.max(1, (1 << 15) / Swift.max(batch * spatial, 1))) { range in
                        for c in range {
                            func block(_ n: Int) -> Int { (n * channels + c) * spatial }
                            var mean = 0.0, invstd = 0.0
                            if let running {
                                mean = running.mean[c]
                                invstd = 1 / (running.variance[c] + eps).squareRoot()
                            } else {
                                for n in 0..<batch { let b = xp + block(n); for i in 0..<spatial { mean += Double(b[i]) } }
                                mean /= m
                                var variance = 0.0
                                for n in 0..<batch {
                                    let b = xp + block(n)
                                    for i in 0..<spatial { let d = Double(b[i]) - mean; variance += d * d }
                                }
                                invstd = 1 / (variance / m + eps).squareRoot()
                            }
                            var sumG = 0.0, sumGXhat = 0.0
                            for n in 0..<batch {
                                let xb = xp + block(n), gb = gp + block(n)
                                for i in 0..<spatial {
                                    let gi = Double(gb[i])
                                    sumG += gi
                                    sumGXhat += gi * (Double(xb[i]) - mean) * invstd
                                }
                            }
                            gwp.value[c] = sumGXhat
                            gbp.value[c] = sumG
                            guard let out else { continue }
                            let scale = (w?[c] ?? 1) * invstd
                            let meanG = running == nil ? sumG / m : 0, meanGXhat = running == nil ? sumGXhat / m : 0
                            for n in 0..<batch {
                                let xb = xp + block(n), gb = gp + block(n), ob = out + block(n)
                                for i in 0..<spatial {
                                    let xhat = (Double(xb[i]) - mean) * invstd
                                    ob[i] = T(scale * (Double(gb[i]) - meanG - xhat * meanGXhat))
                                }
                            }
                        }
                    }
                }
            }
        }
        if compute == .float64 { channelsLoop(Double.self) } else { channelsLoop(Float.self) }
        let parameterType = weight?.dtype ?? input.dtype
        return (try gInput?.to(dtype: input.dtype), Tensor(gWeight, shape: [channels], dtype: parameterType),
                Tensor(gBias, shape: [channels], dtype: parameterType))
    }
}
