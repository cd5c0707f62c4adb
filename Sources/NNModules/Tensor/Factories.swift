/// Tensor creation (torch.empty/zeros/ones/full/arange/rand/randn) and the in-place fills layers use for
/// initialization. On the `meta` device only shape and dtype are recorded.
extension Tensor {
    public static func empty(_ shape: [Int], dtype: DType? = nil, device: Device? = nil) -> Tensor {
        let dtype = dtype ?? TensorDefaults.dtype
        let device = device ?? TensorDefaults.device
        let storage = device == .meta ? nil : Storage(byteCount: shape.reduce(1, *) * dtype.itemSize)
        return Tensor(storage: storage, shape: shape, dtype: dtype, device: device)
    }

    public static func zeros(_ shape: [Int], dtype: DType? = nil, device: Device? = nil) -> Tensor {
        let dtype = dtype ?? TensorDefaults.dtype
        let device = device ?? TensorDefaults.device
        let storage = device == .meta ? nil : Storage(zeroedByteCount: shape.reduce(1, *) * dtype.itemSize)
        return Tensor(storage: storage, shape: shape, dtype: dtype, device: device)
    }

    public static func ones(_ shape: [Int], dtype: DType? = nil, device: Device? = nil) -> Tensor {
        full(shape, 1, dtype: dtype, device: device)
    }

    public static func full(_ shape: [Int], _ value: Double, dtype: DType? = nil, device: Device? = nil) -> Tensor {
        let t = empty(shape, dtype: dtype, device: device)
        t.fillUnchecked(value)
        return t
    }

    /// torch.arange(start, end) — int64 like PyTorch for integer bounds.
    public static func arange(_ start: Int, _ end: Int, dtype: DType = .int64, device: Device? = nil) -> Tensor {
        let n = max(end - start, 0)
        let t = empty([n], dtype: dtype, device: device)
        if t.storage != nil { t.assign((0..<n).map { Double(start + $0) }) }
        return t
    }

    /// torch.rand: uniform [0, 1) from the default generator.
    public static func rand(_ shape: [Int], dtype: DType? = nil, device: Device? = nil) -> Tensor {
        let t = empty(shape, dtype: dtype, device: device)
        t.uniformUnchecked(0, 1)
        return t
    }

    /// torch.randn: standard normal from the default generator.
    public static func randn(_ shape: [Int], dtype: DType? = nil, device: Device? = nil) -> Tensor {
        let t = empty(shape, dtype: dtype, device: device)
        t.normalUnchecked(mean: 0, std: 1)
        return t
    }

    /// torch.empty_like(t, device=...) — what `Module.to_empty` uses.
    public func emptyLike(device: Device? = nil) -> Tensor {
        Tensor.empty(sizes, dtype: dtype, device: device ?? self.device)
    }

    // MARK: - In-place fills (torch: fill_, zero_, uniform_, normal_)
    // On a leaf (a parameter) these act as torch.nn.init does, without autograd; on a tensor computed under
    // autograd they cut its history like PyTorch's in-place fills: the old values get no gradient.

    @discardableResult
    public func fill_(_ value: Double) throws -> Self {
        try checkInitialized("fill_")
        fillUnchecked(value)
        filledInPlace()
        return self
    }

    @discardableResult
    public func zero_() throws -> Self { try fill_(0) }

    @discardableResult
    public func uniform_(_ from: Double = 0, _ to: Double = 1) throws -> Self {
        try checkInitialized("uniform_")
        uniformUnchecked(from, to)
        filledInPlace()
        return self
    }

    @discardableResult
    public func normal_(mean: Double = 0, std: Double = 1) throws -> Self {
        try checkInitialized("normal_")
        normalUnchecked(mean: mean, std: std)
        filledInPlace()
        return self
    }

    /// Counts the change; a computed tensor's new values no longer depend on its history.
    private func filledInPlace() {
        bumpVersion()
        let initializing = isLeaf || (base.map { $0.isLeaf && $0.requiresGrad } ?? false)
        guard GradMode.isEnabled, requiresGrad, !initializing else { return }
        rebaseHistory(onto: Tensor.zeros([], dtype: dtype))
    }

    func fillUnchecked(_ value: Double) {
        guard storage != nil else { return }
        assign([Double](repeating: value, count: count))
    }

    /// PyTorch's CPU uniform_ (one Mersenne Twister draw per element); large float32 tensors take
    /// `RandomFill`'s parallel path instead.
    func uniformUnchecked(_ from: Double, _ to: Double) {
        guard storage != nil else { return }
        if let seed = RandomFill.streamSeed(for: self) {
            RandomFill.fill(elementPointer(Float.self), count: count, seed: seed, .uniform(from: Float(from), to: Float(to)))
            return
        }
        let n = count
        let values: [Double] = DefaultGenerator.withGenerator { gen in
            if dtype == .float64 {
                return (0..<n).map { _ in gen.uniformDouble(from, to) }
            }
            return (0..<n).map { _ in Double(gen.uniformFloat(Float(from), Float(to))) }
        }
        assign(values)
    }

    /// PyTorch's CPU normal_: for 16 or more elements, uniform fill then Box–Muller in blocks of 16
    /// (recomputing the last block when the count is not a multiple of 16); fewer use the scalar path.
    /// Large float32 tensors take `RandomFill`'s parallel path instead.
    func normalUnchecked(mean: Double, std: Double) {
        guard storage != nil else { return }
        if let seed = RandomFill.streamSeed(for: self) {
            RandomFill.fill(elementPointer(Float.self), count: count, seed: seed, .normal(mean: Float(mean), std: Float(std)))
            return
        }
        let n = count
        let values: [Double] = DefaultGenerator.withGenerator { gen in
            if n < 16 {
                return (0..<n).map { _ in gen.normalDouble(mean: mean, std: std) }
            }
            var data = (0..<n).map { _ in Double(gen.uniformFloat(0, 1)) }
            data.withUnsafeMutableBufferPointer { buffer in
                // The draws are sequential; the blocks' transforms are independent, so they split across
                // the compute threads (mobilenet_v2's build spent half its time here, serially).
                let blocks = UncheckedSendable(buffer.baseAddress!)
                parallelChunks(n / 16, grain: 64) { range in
                    for block in range { Self.boxMuller16(blocks.value + block * 16, mean: mean, std: std) }
                }
            }
            if n % 16 != 0 {
                let start = n - 16
                for j in 0..<16 { data[start + j] = Double(gen.uniformFloat(0, 1)) }
                data.withUnsafeMutableBufferPointer { Self.boxMuller16($0.baseAddress! + start, mean: mean, std: std) }
            }
            return data
        }
        assign(values)
    }

    /// ATen's `normal_fill_16`: uniforms `u[0..<16]` become normals, `r·cos θ` in the first eight and
    /// `r·sin θ` in the last, with `r = sqrt(-2 ln(1 - u[j]))`, `θ = 2π·u[j + 8]`. glibc's `sincos` gives
    /// `sin` and `cos` bit for bit, in one argument reduction.
    private static func boxMuller16(_ u: UnsafeMutablePointer<Double>, mean: Double, std: Double) {
        for j in 0..<8 {
            let radius = (-2 * Foundation.log(1 - u[j])).squareRoot()
            var sine = 0.0, cosine = 0.0
            glibcSincos(2.0 * Double.pi * u[j + 8], &sine, &cosine)
            u[j] = radius * cosine * std + mean
            u[j + 8] = radius * sine * std + mean
        }
    }
}

@_silgen_name("sincos")
private func glibcSincos(_ x: Double, _ sine: UnsafeMutablePointer<Double>, _ cosine: UnsafeMutablePointer<Double>)

import Foundation
