/// Reductions over dimensions (torch: sum, mean, var, max, min, argmax). The reduced dimensions are moved
/// last and made contiguous (no copy for the common "last dimension" and "spatial dimensions of NCHW"
/// cases), then every row is reduced on its own, rows spread over the compute threads. float32 sums
/// accumulate in float64, which is at least as accurate as PyTorch's pairwise float32 sums.
enum ReductionOp {
    case sum, mean, variance(correction: Int), max, min, argmax
}

extension Tensor {
    /// The output shape of reducing `reduced` axes.
    private func reducedShape(_ reduced: Set<Int>, keepdim: Bool) -> [Int] {
        keepdim ? sizes.indices.map { reduced.contains($0) ? 1 : sizes[$0] }
                : sizes.indices.filter { !reduced.contains($0) }.map { sizes[$0] }
    }

    /// Reduces `dims` (all dimensions when empty) with `op` into `dtype`.
    func reduce(_ op: ReductionOp, dims: [Int], keepdim: Bool, dtype outType: DType) throws -> Tensor {
        let reduced = dims.isEmpty ? Set(sizes.indices) : Set(try dims.map { try normalizeDim($0) })
        let outShape = reducedShape(reduced, keepdim: keepdim)
        if isMeta { return Tensor(storage: nil, shape: outShape, dtype: outType, device: .meta) }
        let kept = sizes.indices.filter { !reduced.contains($0) }
        let order = kept + sizes.indices.filter { reduced.contains($0) }
        let rowLength = reduced.map { sizes[$0] }.reduce(1, *)
        if rowLength == 0, case .max = op { throw emptyReduction("max") }
        if rowLength == 0, case .min = op { throw emptyReduction("min") }
        if rowLength == 0, case .argmax = op { throw emptyReduction("argmax") }
        let compute = ComputeType.of(dtype.isFloatingPoint ? dtype : .float64)
        let rows = try permute(order).contiguous(as: compute)
        let rowCount = kept.map { sizes[$0] }.reduce(1, *)
        let out = Tensor.empty(outShape, dtype: .float64)
        let po = out.elementPointer(Double.self)
        if compute == .float64 {
            Tensor.reduceRows(op, rows.elementPointer(Double.self), rowCount, rowLength, po)
        } else {
            Tensor.reduceRows(op, rows.elementPointer(Float.self), rowCount, rowLength, po)
        }
        return try out.to(dtype: outType)
    }

    private func emptyReduction(_ name: String) -> TorchError {
        TorchError.indexError("\(name)(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
    }

    private static func reduceRows<T: KernelFloat>(_ op: ReductionOp, _ x: UnsafeMutablePointer<T>, _ rows: Int, _ n: Int,
                                                   _ out: UnsafeMutablePointer<Double>) {
        parallelChunks(rows, grain: Swift.max(1, (1 << 15) / max(n, 1))) { range in
            for r in range {
                let row = x + r * n
                switch op {
                case .sum, .mean, .variance:
                    var s = 0.0
                    for i in 0..<n { s += Double(row[i]) }
                    let mean = s / Double(n)
                    if case .variance(let correction) = op {
                        var q = 0.0
                        for i in 0..<n { let d = Double(row[i]) - mean; q += d * d }
                        out[r] = q / Double(Swift.max(n - correction, 0))
                    } else {
                        out[r] = { if case .sum = op { return s } else { return mean } }()
                    }
                case .max, .min, .argmax:
                    var best = row[0], at = 0
                    for i in 1..<Swift.max(n, 1) where !best.isNaN {
                        let v = row[i]
                        let better: Bool
                        if case .min = op { better = v < best } else { better = v > best }
                        if better || v.isNaN { best = v; at = i }
                    }
                    if case .argmax = op { out[r] = Double(at) } else { out[r] = Double(best) }
                }
            }
        }
    }
}
