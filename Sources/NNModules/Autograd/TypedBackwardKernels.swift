import Foundation

/// The loops behind the backward formulas, in the tensor's compute type (float32 for float32/16/bf16,
/// float64 for float64) over contiguous memory and across the compute threads — where the formulas first
/// went through arrays of Double, which made a GPT-2 backward several times slower than its forward.
/// Per-row statistics still accumulate in Double, as the forward kernels do.
enum TypedBackward {
    /// `f(x)` elementwise, evaluated in Double and stored in the compute type.
    static func map(_ x: Tensor, _ body: (Double) -> Double) throws -> Tensor {
        let compute = ComputeType.of(x.dtype)
        let src = try x.contiguous(as: compute)
        let out = Tensor.empty(x.sizes, dtype: compute)
        if compute == .float64 { map(Double.self, src, out, body) } else { map(Float.self, src, out, body) }
        return try out.to(dtype: x.dtype)
    }

    private static func map<T: KernelFloat>(_: T.Type, _ src: Tensor, _ out: Tensor, _ body: (Double) -> Double) {
        let s = src.elementPointer(T.self), d = out.elementPointer(T.self)
        parallelChunks(src.count, grain: 1 << 14) { range in
            for i in range { d[i] = T(body(Double(s[i]))) }
        }
    }

    /// `f(a, b)` elementwise over the broadcast shape.
    static func zip(_ a: Tensor, _ b: Tensor, dtype: DType, _ body: (Double, Double) -> Double) throws -> Tensor {
        let shape = try broadcastShapes(a.sizes, b.sizes)
        let compute = ComputeType.of(dtype)
        let x = try a.expand(shape).contiguous(as: compute), y = try b.expand(shape).contiguous(as: compute)
        let out = Tensor.empty(shape, dtype: compute)
        if compute == .float64 { zip(Double.self, x, y, out, body) } else { zip(Float.self, x, y, out, body) }
        return try out.to(dtype: dtype)
    }

    private static func zip<T: KernelFloat>(_: T.Type, _ a: Tensor, _ b: Tensor, _ out: Tensor, _ body: (Double, Double) -> Double) {
        let x = a.elementPointer(T.self), y = b.elementPointer(T.self), d = out.elementPointer(T.self)
        parallelChunks(out.count, grain: 1 << 14) { range in
            for i in range { d[i] = T(body(Double(x[i]), Double(y[i]))) }
        }
    }

    /// ReLU's gradient for float32 as PyTorch's `threshold_backward(grad, result, 0)` computes it: the
    /// gradient where the result is positive, else 0 (a select: a NaN gradient stays out of the zeros). A
    /// vectorized loop instead of a call of `derivative(fromResult:)` in Double per element (2.1 % of a
    /// ResNet-18 training step's CPU time, now 0.4 %). Nil (the general path) unless both are float32 of one shape.
    static func reluGradient(_ g: Tensor, result: Tensor) throws -> Tensor? {
        guard g.dtype == .float32, result.dtype == .float32, g.sizes == result.sizes else { return nil }
        let gradient = try g.contiguous(), y = try result.contiguous()
        let out = Tensor.empty(g.sizes, dtype: .float32)
        let source = UncheckedSendable(gradient.elementPointer(Float.self)), mask = UncheckedSendable(y.elementPointer(Float.self))
        let target = UncheckedSendable(out.elementPointer(Float.self))
        parallelChunks(out.count, grain: 1 << 15) { range in
            for i in range { target.value[i] = mask.value[i] > 0 ? source.value[i] : 0 }
        }
        return out
    }

    /// Calls `kernel` with typed pointers to contiguous copies of `inputs` in the compute type and to a new
    /// output shaped like the first input; returns the output in `dtype`.
    static func withRows(_ inputs: [Tensor], dtype: DType, _ kernel: some RowKernel) throws -> Tensor {
        let compute = ComputeType.of(dtype)
        let sources = try inputs.map { try $0.contiguous(as: compute) }
        let out = Tensor.empty(inputs[0].sizes, dtype: compute)
        if compute == .float64 {
            kernel.run(sources.map { UnsafePointer($0.elementPointer(Double.self)) }, out.elementPointer(Double.self), count: out.count)
        } else {
            kernel.run(sources.map { UnsafePointer($0.elementPointer(Float.self)) }, out.elementPointer(Float.self), count: out.count)
        }
        return try out.to(dtype: dtype)
    }

    /// In place `accumulator += addend` (same shape), the way AccumulateGrad adds a second use's gradient
    /// into `.grad` under no_grad; false when the layout or dtype needs the general path.
    static func addInPlace(_ accumulator: Tensor, _ addend: Tensor) throws -> Bool {
        guard accumulator.isContiguous, accumulator.sizes == addend.sizes,
              accumulator.dtype == .float32 || accumulator.dtype == .float64 else { return false }
        let source = try addend.contiguous(as: accumulator.dtype)
        if accumulator.dtype == .float64 { add(Double.self, accumulator, source) } else { add(Float.self, accumulator, source) }
        return true
    }

    private static func add<T: KernelFloat>(_: T.Type, _ accumulator: Tensor, _ addend: Tensor) {
        let d = accumulator.elementPointer(T.self), s = addend.elementPointer(T.self)
        parallelChunks(accumulator.count, grain: 1 << 15) { range in
            for i in range { d[i] += s[i] }
        }
    }
}

/// A backward formula over rows of contiguous memory, written once for Float and Double.
protocol RowKernel {
    func run<T: KernelFloat>(_ inputs: [UnsafePointer<T>], _ out: UnsafeMutablePointer<T>, count: Int)
}

extension RowKernel {
    /// Rows of `n` elements split across the compute threads.
    func forEachRow(count: Int, length n: Int, _ body: (Int) -> Void) {
        let rows = n == 0 ? 0 : count / n
        parallelChunks(rows, grain: Swift.max(1, (1 << 14) / Swift.max(n, 1))) { range in
            for r in range { body(r * n) }
        }
    }
}

/// LayerNorm/RMSNorm input gradient from the gradient of the normalized value (inputs: x, g).
struct NormalizeRowsBackward: RowKernel {
    let n: Int, eps: Double, centered: Bool
    func run<T: KernelFloat>(_ inputs: [UnsafePointer<T>], _ out: UnsafeMutablePointer<T>, count: Int) {
        let x = inputs[0], g = inputs[1]
        forEachRow(count: count, length: n) { start in
            let xr = x + start, gr = g + start, dst = out + start
            var mean = 0.0
            if centered {
                for i in 0..<n { mean += Double(xr[i]) }
                mean /= Double(n)
            }
            var variance = 0.0
            for i in 0..<n { let d = Double(xr[i]) - mean; variance += d * d }
            let inv = 1 / (variance / Double(n) + eps).squareRoot()
            var gMean = 0.0, gDotXhat = 0.0
            for i in 0..<n {
                let gi = Double(gr[i])
                if centered { gMean += gi }
                gDotXhat += gi * (Double(xr[i]) - mean) * inv
            }
            gMean /= Double(n)
            gDotXhat /= Double(n)
            for i in 0..<n {
                dst[i] = T(inv * (Double(gr[i]) - gMean - (Double(xr[i]) - mean) * inv * gDotXhat))
            }
        }
    }
}

/// softmax over the last dimension: `y ⊙ (g − Σ g⊙y)` (inputs: g, y).
struct SoftmaxBackward: RowKernel {
    let n: Int
    func run<T: KernelFloat>(_ inputs: [UnsafePointer<T>], _ out: UnsafeMutablePointer<T>, count: Int) {
        let g = inputs[0], y = inputs[1]
        forEachRow(count: count, length: n) { start in
            var dot = 0.0
            for i in start..<(start + n) { dot += Double(g[i]) * Double(y[i]) }
            for i in start..<(start + n) { out[i] = T(Double(g[i]) * Double(y[i]) - Double(y[i]) * dot) }
        }
    }
}

/// log_softmax over the last dimension: `g − exp(y) ⊙ Σ g` (inputs: g, y).
struct LogSoftmaxBackward: RowKernel {
    let n: Int
    func run<T: KernelFloat>(_ inputs: [UnsafePointer<T>], _ out: UnsafeMutablePointer<T>, count: Int) {
        let g = inputs[0], y = inputs[1]
        forEachRow(count: count, length: n) { start in
            var total = 0.0
            for i in start..<(start + n) { total += Double(g[i]) }
            for i in start..<(start + n) { out[i] = T(Double(g[i]) - Foundation.exp(Double(y[i])) * total) }
        }
    }
}
