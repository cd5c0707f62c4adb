/// The kernel of torch.triu / torch.tril over the last two dimensions: elements whose (column, row) `keep`
/// rejects are zeroed.
extension Tensor {
    func triangleValues(keep: (Int, Int) -> Bool) throws -> Tensor {
        guard rank >= 2 else {
            throw TorchError.runtimeError("triu/tril: input tensor must have at least 2 dimensions")
        }
        if isMeta { return Tensor(storage: nil, shape: sizes, dtype: dtype, device: .meta) }
        let rows = sizes[rank - 2], cols = sizes[rank - 1]
        var values = try toDoubles()
        for i in values.indices where !keep(i % cols, (i / cols) % rows) { values[i] = 0 }
        return Tensor(values, shape: sizes, dtype: dtype)
    }
}
