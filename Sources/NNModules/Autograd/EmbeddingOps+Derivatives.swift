/// The derivative of an embedding lookup.
extension Derivatives {
    /// Embedding: gradient rows scatter-added into the table (rows at `paddingIdx` receive none).
    public static func embedding(_ g: Tensor, indices: Tensor, numEmbeddings: Int, paddingIdx: Int?) throws -> Tensor {
        let dim = g.sizes.last ?? 1
        let compute = ComputeType.of(g.dtype)
        let source = try g.contiguous(as: compute)
        let out = Tensor.zeros([numEmbeddings, dim], dtype: compute)
        let rows = try indices.toDoubles().map { Int($0) }
        func scatter<T: KernelFloat>(_: T.Type) {
            let s = source.elementPointer(T.self), d = out.elementPointer(T.self)
            for (i, row) in rows.enumerated() where row != paddingIdx && row >= 0 && row < numEmbeddings {
                let dst = d + row * dim, src = s + i * dim
                for j in 0..<dim { dst[j] += src[j] }
            }
        }
        if compute == .float64 { scatter(Double.self) } else { scatter(Float.self) }
        return try out.to(dtype: g.dtype)
    }
}
