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
