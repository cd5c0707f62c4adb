/// Joining and splitting (torch: cat, stack — copies; split, chunk — views along a dimension).
extension Tensor {
    /// torch.cat: joins tensors along an existing dimension (type-promoted; meta in, meta out).
    public static func cat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        let out = try GradMode.noGrad { try catValues(tensors, dim: dim) }
        guard let first = tensors.first else { return out }
        let d = try first.normalizeDim(dim)
        recordOperation("CatBackward0", inputs: tensors, outputs: [out]) { grads in
            guard let g = grads[0] else { return tensors.map { _ in nil } }
            return try Derivatives.cat(g, tensors, dim: d)
        }
        return out
    }

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
