/// torch.nn.functional.layer_norm and rms_norm over the trailing `normalizedShape` dimensions: per row,
/// statistics in float64, then `(x - mean) · rstd · weight + bias` in the compute dtype.
extension Tensor {
    /// torch: `F.layer_norm(input, normalized_shape, weight, bias, eps)`.
    static func layerNormValues(_ input: Tensor, normalizedShape: [Int], weight: Tensor?, bias: Tensor?, eps: Double) throws -> Tensor {
        try normalizeTrailing(input, normalizedShape, weight: weight, bias: bias, eps: eps, centered: true)
    }

    /// torch: `F.rms_norm(input, normalized_shape, weight, eps)`.
    static func rmsNormValues(_ input: Tensor, normalizedShape: [Int], weight: Tensor?, eps: Double) throws -> Tensor {
        try normalizeTrailing(input, normalizedShape, weight: weight, bias: nil, eps: eps, centered: false)
    }

    private static func normalizeTrailing(_ input: Tensor, _ shape: [Int], weight: Tensor?, bias: Tensor?, eps: Double,
                                          centered: Bool) throws -> Tensor {
        guard input.sizes.suffix(shape.count) == ArraySlice(shape) else {
            throw TorchError.runtimeError("Given normalized_shape=\(Tensor.pythonShape(shape)), expected input with shape [*, \(shape.map(String.init).joined(separator: ", "))], but got input of size\(Tensor.pythonShape(input.sizes))")
        }
        if input.isMeta { return Tensor(storage: nil, shape: input.sizes, dtype: input.dtype, device: .meta) }
        let compute = ComputeType.of(input.dtype)
        let x = try input.contiguous(as: compute)
        let out = Tensor.empty(input.sizes, dtype: compute)
        let n = shape.reduce(1, *)
        let rows = n == 0 ? 0 : input.count / n
        let w = try weight?.contiguous(as: compute), b = try bias?.contiguous(as: compute)
        if compute == .float64 {
            normalizeRows(Double.self, x, out, w, b, rows, n, eps, centered)
        } else {
            normalizeRows(Float.self, x, out, w, b, rows, n, eps, centered)
        }
        return try out.to(dtype: input.dtype)
    }

    private static func normalizeRows<T: KernelFloat>(_ type: T.Type, _ input: Tensor, _ output: Tensor, _ weight: Tensor?,
                                                      _ bias: Tensor?, _ rows: Int, _ n: Int, _ eps: Double, _ centered: Bool) {
        let x = input.elementPointer(T.self), out = output.elementPointer(T.self)
        let w = weight?.elementPointer(T.self), b = bias?.elementPointer(T.self)
        parallelChunks(rows, grain: Swift.max(1, (1 << 14) / Swift.max(n, 1))) { range in
            for r in range {
                let row = x + r * n, dst = out + r * n
                var mean = 0.0
                if centered {
                    for i in 0..<n { mean += Double(row[i]) }
                    mean /= Double(n)
                }
                var squares = 0.0
                for i in 0..<n { let d = Double(row[i]) - mean; squares += d * d }
                let rstd = T(1 / (squares / Double(n) + eps).squareRoot())
                let m = T(mean)
                switch (w, b) {
                case let (w?, b?): for i in 0..<n { dst[i] = (row[i] - m) * rstd * w[i] + b[i] }
                case let (w?, nil): for i in 0..<n { dst[i] = (row[i] - m) * rstd * w[i] }
                case let (nil, b?): for i in 0..<n { dst[i] = (row[i] - m) * rstd + b[i] }
                case (nil, nil): for i in 0..<n { dst[i] = (row[i] - m) * rstd }
                }
            }
        }
    }
}
