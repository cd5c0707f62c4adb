/// torch.cat: joins tensors along an existing dimension (type-promoted; meta in, meta out). Reference
/// models use it for rotary embeddings (`rotate_half`) and ViT's class token.
extension Tensor {
    static func catValues(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TorchError.runtimeError("torch.cat(): expected a non-empty list of Tensors") }
        let d = try first.normalizeDim(dim)
        var shape = first.sizes
        shape[d] = 0
        for (i, t) in tensors.enumerated() {
            guard t.rank == first.rank else {
                throw TorchError.runtimeError("Tensors must have same number of dimensions: got \(first.rank) and \(t.rank)")
            }
            for axis in 0..<t.rank where axis != d && t.sizes[axis] != first.sizes[axis] {
                throw TorchError.runtimeError("Sizes of tensors must match except in dimension \(d). Expected size \(first.sizes[axis]) but got size \(t.sizes[axis]) for tensor number \(i) in the list.")
            }
            shape[d] += t.sizes[d]
        }
        let dtype = tensors.dropFirst().reduce(first.dtype) { TypePromotion.result($0, $1.dtype) }
        let isMeta = tensors.contains { $0.isMeta }
        let out = Tensor.empty(shape, dtype: dtype, device: isMeta ? .meta : .cpu)
        if isMeta { return out }
        var offset = 0
        for t in tensors {
            try out.narrow(d, start: offset, length: t.sizes[d]).copy_(t)
            offset += t.sizes[d]
        }
        return out
    }
}
