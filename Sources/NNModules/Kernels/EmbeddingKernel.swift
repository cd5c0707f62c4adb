/// torch.nn.functional.embedding: rows of `weight` gathered by integer indices, copied row by row as raw
/// bytes (any weight dtype).
extension Tensor {
    static func embeddingValues(_ indices: Tensor, weight: Tensor) throws -> Tensor {
        guard !indices.dtype.isFloatingPoint, indices.dtype != .bool else {
            throw TorchError.runtimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.\(indices.dtype.legacyTypeName.dropFirst(6)) instead (while checking arguments for embedding)")
        }
        guard weight.rank == 2 else { throw TorchError.runtimeError("'weight' must be 2-D") }
        let dim = weight.sizes[1], rows = weight.sizes[0]
        let outShape = indices.sizes + [dim]
        if indices.isMeta || weight.isMeta { return Tensor(storage: nil, shape: outShape, dtype: weight.dtype, device: .meta) }
        let table = try weight.contiguous()
        let ids = try indices.contiguous(as: .int64)
        let out = Tensor.empty(outShape, dtype: weight.dtype)
        let rowBytes = dim * weight.dtype.itemSize
        let src = table.rawElementPointer, dst = out.rawElementPointer
        let index = ids.elementPointer(Int64.self)
        for i in 0..<ids.count {
            let row = Int(index[i])
            guard row >= 0, row < rows else { throw TorchError.indexError("index out of range in self") }
            (dst + i * rowBytes).copyMemory(from: src + row * rowBytes, byteCount: rowBytes)
        }
        return out
    }
}
