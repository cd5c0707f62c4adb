/// torch.triu / torch.tril over the last two dimensions: the upper (lower) triangle from `diagonal` on is
/// kept, the rest zeroed. Causal attention masks are `triu(full(min), diagonal: 1)`. The derivative keeps
/// the same triangle of the gradient.
extension Tensor {
    public func triu(diagonal: Int = 0) throws -> Tensor { try triangle("TriuBackward0") { col, row in col - row >= diagonal } }

    public func tril(diagonal: Int = 0) throws -> Tensor { try triangle("TrilBackward0") { col, row in col - row <= diagonal } }

    private func triangle(_ name: String, keep: @escaping (Int, Int) -> Bool) throws -> Tensor {
        guard rank >= 2 else {
            throw TorchError.runtimeError("triu/tril: input tensor must have at least 2 dimensions")
        }
        if isMeta { return Tensor(storage: nil, shape: sizes, dtype: dtype, device: .meta) }
        let rows = sizes[rank - 2], cols = sizes[rank - 1]
        var values = try toDoubles()
        for i in values.indices where !keep(i % cols, (i / cols) % rows) { values[i] = 0 }
        let out = Tensor(values, shape: sizes, dtype: dtype)
        Tensor.recordOperation(name, inputs: [self], outputs: [out]) { grads in
            [try grads[0].map { try $0.triangle(name, keep: keep) }]
        }
        return out
    }
}
