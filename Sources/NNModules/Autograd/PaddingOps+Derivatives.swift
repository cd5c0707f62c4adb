/// Padding's derivative. Padding is a gather through per-dimension index maps (`gathered`), so its
/// derivative is the matching scatter-add: every output element's gradient goes back to the input element
/// it read, summed where several outputs read one input (reflect borders); interpolation's derivative
/// scatters the same way.
extension Tensor {
    /// The adjoint of `gathered(maps:)`: this tensor (shaped like the gather's output) scatter-added back
    /// into a tensor of `shape`; elements that read no source (a constant fill) are dropped.
    func scatteredBack(maps: [[Int]?], into shape: [Int]) throws -> Tensor {
        let values = try contiguous().toDoubles()
        let targetStrides = Tensor.contiguousStrides(for: shape)
        var result = [Double](repeating: 0, count: shape.reduce(1, *))
        let offsets: [[Int?]] = sizes.indices.map { d in
            guard let map = maps[d] else { return (0..<sizes[d]).map { $0 * targetStrides[d] } }
            return map.map { $0 < 0 ? nil : $0 * targetStrides[d] }
        }
        var index = [Int](repeating: 0, count: rank)
        for value in values {
            var offset = 0, hasSource = true
            for d in 0..<rank {
                guard let o = offsets[d][index[d]] else { hasSource = false; break }
                offset += o
            }
            if hasSource { result[offset] += value }
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < sizes[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return Tensor(result, shape: shape, dtype: dtype)
    }
}
