/// torch: `split`, `chunk` (views along a dimension) and `stack` (a copy with a new dimension).
extension Tensor {
    /// torch: `split(split_size, dim)` — views of `size` along `dim`, the last one possibly shorter.
    public func split(_ size: Int, dim: Int = 0) throws -> [Tensor] {
        guard size > 0 else { throw TorchError.runtimeError("split_size can only be 0 if dimension size is 0, but got dimension size of \(sizes.isEmpty ? 0 : sizes[try normalizeDim(dim)])") }
        let d = try normalizeDim(dim)
        return try stride(from: 0, to: Swift.max(sizes[d], 1), by: size).map {
            try narrow(d, start: $0, length: Swift.min(size, sizes[d] - $0))
        }
    }

    /// torch: `chunk(chunks, dim)` — at most `chunks` views of `ceil(size / chunks)`.
    public func chunk(_ chunks: Int, dim: Int = 0) throws -> [Tensor] {
        guard chunks > 0 else { throw TorchError.runtimeError("chunk expects `chunks` to be greater than 0, got: \(chunks)") }
        let d = try normalizeDim(dim)
        return try split(Swift.max(1, (sizes[d] + chunks - 1) / chunks), dim: d)
    }

    /// torch.stack: joins same-shaped tensors along a new dimension.
    public static func stack(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TorchError.runtimeError("stack expects a non-empty TensorList") }
        for (i, t) in tensors.enumerated() where t.sizes != first.sizes {
            throw TorchError.runtimeError("stack expects each tensor to be equal size, but got \(Tensor.pythonShape(first.sizes)) at entry 0 and \(Tensor.pythonShape(t.sizes)) at entry \(i)")
        }
        return try cat(try tensors.map { try $0.unsqueeze(dim) }, dim: dim)
    }
}
