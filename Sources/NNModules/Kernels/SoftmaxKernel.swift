/// torch.softmax / torch.log_softmax along a dimension, computed stably (row maximum subtracted). Rows
/// along the last dimension are reduced in place of a contiguous copy; other dimensions are moved last
/// first. Exponentials use the vector `exp` for float32.
extension Tensor {
    /// softmax (or log_softmax, when `log`) along `dim`, without recording.
    func softmaxValues(dim: Int, log: Bool) throws -> Tensor {
        let outType = floatResult
        if isMeta { return Tensor(storage: nil, shape: sizes, dtype: outType, device: .meta) }
        let d = try normalizeDim(dim)
        let last = Swift.max(rank - 1, 0)
        let compute = ComputeType.of(outType)
        // A fresh contiguous buffer in the compute dtype, with `dim` last; the rows are rewritten in place.
        let moved = try transpose(d, last)
        let rows = Tensor.empty(moved.sizes, dtype: compute)
        try Tensor.copyElements(from: moved, to: rows)
        let n = rows.sizes.last ?? 1
        let count = n == 0 ? 0 : rows.count / n
        if compute == .float64 {
            Tensor.softmaxRows(rows.elementPointer(Double.self), count, n, log: log)
        } else {
            Tensor.softmaxRows(rows.elementPointer(Float.self), count, n, log: log)
        }
        return try rows.transpose(d, last).contiguous(as: outType)
    }

    private static func softmaxRows<T: KernelFloat>(_ x: UnsafeMutablePointer<T>, _ rows: Int, _ n: Int, log: Bool) {
        parallelChunks(rows, grain: Swift.max(1, (1 << 14) / Swift.max(n, 1))) { range in
            for r in range {
                let row = x + r * n
                var m = -T.infinity
                for i in 0..<n where !(row[i] <= m) { m = row[i] }
                if m == -T.infinity { m = 0 }
                for i in 0..<n { row[i] -= m }
                if log {
                    var s = 0.0
                    for i in 0..<n { s += Double(T.exp(row[i])) }
                    let logSum = T(Double.log(s))
                    for i in 0..<n { row[i] -= logSum }
                } else {
                    UnaryOp.run(.exp, row, stride: 1, row, n)
                    var s = 0.0
                    for i in 0..<n { s += Double(row[i]) }
                    let inverse = T(1 / s)
                    for i in 0..<n { row[i] *= inverse }
                }
            }
        }
    }
}
