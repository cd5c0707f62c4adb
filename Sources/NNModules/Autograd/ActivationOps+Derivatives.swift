/// The derivatives of softmax and log_softmax (the pointwise activations' are `UnaryOp`'s, in
/// `ElementwiseOps+Derivatives.swift`).
extension Derivatives {
    /// softmax along the last dimension: `y ⊙ (g − Σ g⊙y)`.
    public static func softmaxLastDim(_ g: Tensor, output y: Tensor) throws -> Tensor {
        try TypedBackward.withRows([g, y], dtype: y.dtype, SoftmaxBackward(n: y.sizes.last ?? 1))
    }

    /// log_softmax along the last dimension: `g − softmax ⊙ Σ g`.
    public static func logSoftmaxLastDim(_ g: Tensor, output y: Tensor) throws -> Tensor {
        try TypedBackward.withRows([g, y], dtype: y.dtype, LogSoftmaxBackward(n: y.sizes.last ?? 1))
    }

    /// softmax (or log_softmax) along dimension `dim`, moved last for the row kernels and back.
    static func softmax(_ g: Tensor, output y: Tensor, dim d: Int, log: Bool) throws -> Tensor {
        guard y.rank > 0 else { return try g * 0.0 }
        let last = y.rank - 1
        let (rows, output) = (try g.transpose(d, last).contiguous(), try y.transpose(d, last).contiguous())
        let gInput = log ? try logSoftmaxLastDim(rows, output: output) : try softmaxLastDim(rows, output: output)
        return try gInput.transpose(d, last).contiguous()
    }
}
