/// torch.mean(dim, keepdim): the average over some dimensions (RMSNorm's `pow(2).mean(-1, keepdim=True)`,
/// global average pooling as `mean(dims: [2, 3])`). Floating point only, like PyTorch.
extension Tensor {
    public func mean(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw TorchError.runtimeError("mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype.rawValue.capitalized)")
        }
        let reduced = Set(try dims.map { try normalizeDim($0) })
        let kept = sizes.indices.map { reduced.contains($0) ? 1 : sizes[$0] }
        let outShape = keepdim ? kept : sizes.indices.filter { !reduced.contains($0) }.map { sizes[$0] }
        if isMeta { return Tensor(storage: nil, shape: outShape, dtype: dtype, device: .meta) }
        let keptStrides = Tensor.contiguousStrides(for: kept)
        var sums = [Double](repeating: 0, count: kept.reduce(1, *))
        var index = [Int](repeating: 0, count: rank)
        for value in try toDoubles() {
            var target = 0
            for axis in 0..<rank where !reduced.contains(axis) { target += index[axis] * keptStrides[axis] }
            sums[target] += value
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < sizes[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        let n = Double(reduced.map { sizes[$0] }.reduce(1, *))
        return Tensor(sums.map { $0 / n }, shape: outShape, dtype: dtype)
    }

    public func mean(dim: Int, keepdim: Bool = false) throws -> Tensor { try mean(dims: [dim], keepdim: keepdim) }
}
