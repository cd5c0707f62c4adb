/// A copy of a tensor where every output index along some dimensions reads a chosen input index. F.pad
/// (reflect/replicate/circular/constant) and nearest / linear interpolation are all such gathers, so they
/// share this one loop instead of each walking shapes and strides.
extension Tensor {
    /// - Parameters:
    ///   - maps: per dimension, the source index of each output index (`nil` keeps the dimension as is);
    ///     a negative source index means "no source": the element is `fill`.
    ///   - fill: the value of elements without a source (F.pad's constant).
    /// - Returns: a new contiguous tensor (meta in, meta out).
    func gathered(maps: [[Int]?], fill: Double = 0) throws -> Tensor {
        let outShape = sizes.indices.map { maps[$0]?.count ?? sizes[$0] }
        if isMeta { return Tensor(storage: nil, shape: outShape, dtype: dtype, device: .meta) }
        let source = try toDoubles()
        let sourceStrides = Tensor.contiguousStrides(for: sizes)
        let total = outShape.reduce(1, *)
        var values = [Double](repeating: fill, count: total)
        guard total > 0 else { return Tensor(values, shape: outShape, dtype: dtype) }
        // Per dimension and output index: the source offset contribution, or nil for a fill element.
        let offsets: [[Int?]] = sizes.indices.map { d in
            guard let map = maps[d] else { return (0..<sizes[d]).map { $0 * sourceStrides[d] } }
            return map.map { $0 < 0 ? nil : $0 * sourceStrides[d] }
        }
        var index = [Int](repeating: 0, count: outShape.count)
        for i in 0..<total {
            var offset = 0, hasSource = true
            for d in 0..<outShape.count {
                guard let o = offsets[d][index[d]] else { hasSource = false; break }
                offset += o
            }
            if hasSource { values[i] = source[offset] }
            var d = outShape.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < outShape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return Tensor(values, shape: outShape, dtype: dtype)
    }
}
