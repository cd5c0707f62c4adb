import Foundation

/// The backward formulas of the differentiable operations (torch's `derivatives.yaml`), written with
/// public tensor operations so they follow the kernels wherever those compute. Each takes the saved
/// forward values and the output gradient and returns the input gradients, reduced to each input's shape
/// where the forward broadcast it.
public enum Derivatives {
    /// Elementwise map through values, for the pointwise derivatives.
    static func map(_ x: Tensor, _ body: (Double) -> Double) throws -> Tensor {
        try TypedBackward.map(x, body)
    }

    static func zip(_ a: Tensor, _ b: Tensor, _ body: (Double, Double) -> Double) throws -> Tensor {
        try TypedBackward.zip(a, b, dtype: TypePromotion.result(a.dtype, b.dtype), body)
    }

    // MARK: Broadcasting arithmetic

    public static func add(_ g: Tensor, _ a: Tensor, _ b: Tensor) throws -> (Tensor, Tensor) {
        (try g.sumTo(a.sizes), try g.sumTo(b.sizes))
    }

    public static func sub(_ g: Tensor, _ a: Tensor, _ b: Tensor) throws -> (Tensor, Tensor) {
        (try g.sumTo(a.sizes), try (try -g).sumTo(b.sizes))
    }

    public static func mul(_ g: Tensor, _ a: Tensor, _ b: Tensor) throws -> (Tensor, Tensor) {
        (try (try g * b).sumTo(a.sizes), try (try g * a).sumTo(b.sizes))
    }

    public static func div(_ g: Tensor, _ a: Tensor, _ b: Tensor) throws -> (Tensor, Tensor) {
        let ga = try (try g / b).sumTo(a.sizes)
        let gb = try (try -(try (try g * a) / (try b * b))).sumTo(b.sizes)
        return (ga, gb)
    }

    // MARK: Linear algebra

    /// `a @ b` with broadcast batch dimensions.
    public static func matmul(_ g: Tensor, _ a: Tensor, _ b: Tensor) throws -> (Tensor, Tensor) {
        let a2 = a.rank == 1 ? try a.unsqueeze(0) : a
        let b2 = b.rank == 1 ? try b.unsqueeze(1) : b
        var g2 = g
        if a.rank == 1 { g2 = try g2.unsqueeze(-2) }
        if b.rank == 1 { g2 = try g2.unsqueeze(-1) }
        let ga = try g2.matmul(try b2.transpose(-1, -2)).sumTo(a2.sizes)
        let gb = try a2.transpose(-1, -2).matmul(g2).sumTo(b2.sizes)
        return (try ga.reshape(a.sizes), try gb.reshape(b.sizes))
    }

    // MARK: Reductions and normalizations

    public static func sum(_ g: Tensor, inputShape: [Int]) throws -> Tensor {
        try g.reshape([]).expand(inputShape).contiguous()
    }

    public static func mean(_ g: Tensor, inputShape: [Int]) throws -> Tensor {
        try sum(try g / Double(max(inputShape.reduce(1, *), 1)), inputShape: inputShape)
    }

    /// softmax along the last dimension: `y ⊙ (g − Σ g⊙y)`.
    public static func softmaxLastDim(_ g: Tensor, output y: Tensor) throws -> Tensor {
        try TypedBackward.withRows([g, y], dtype: y.dtype, SoftmaxBackward(n: y.sizes.last ?? 1))
    }

    /// log_softmax along the last dimension: `g − softmax ⊙ Σ g`.
    public static func logSoftmaxLastDim(_ g: Tensor, output y: Tensor) throws -> Tensor {
        try TypedBackward.withRows([g, y], dtype: y.dtype, LogSoftmaxBackward(n: y.sizes.last ?? 1))
    }

    /// LayerNorm over the trailing `n` elements of each row (without the affine part); returns the input
    /// gradient given the gradient of the normalized value.
    public static func normalizeRows(_ gNormalized: Tensor, input x: Tensor, rowLength n: Int, eps: Double, centered: Bool) throws -> Tensor {
        try TypedBackward.withRows([x, gNormalized], dtype: x.dtype, NormalizeRowsBackward(n: n, eps: eps, centered: centered))
    }

    // MARK: Indexing and losses

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

    /// Cross-entropy over class logits `[N, C]` with integer targets: `(softmax − onehot) · g / N` for the
    /// mean reduction (ignored targets contribute nothing and are not counted).
    public static func crossEntropy(_ g: Double, logits: Tensor, targets: Tensor, ignoreIndex: Int, mean: Bool) throws -> Tensor {
        let c = logits.sizes.last ?? 1
        let compute = ComputeType.of(logits.dtype)
        let out = try logits.softmax(dim: -1).contiguous(as: compute).clone()
        let labels = try targets.toDoubles().map { Int($0) }
        let counted = labels.filter { $0 != ignoreIndex }.count
        if let bad = labels.first(where: { $0 != ignoreIndex && ($0 < 0 || $0 >= c) }) {
            throw TorchError.indexError("Target \(bad) is out of bounds.")
        }
        let scale = mean ? g / Double(max(counted, 1)) : g
        func adjust<T: KernelFloat>(_: T.Type) {
            let p = out.elementPointer(T.self)
            for (n, label) in labels.enumerated() {
                let row = p + n * c
                if label == ignoreIndex {
                    for j in 0..<c { row[j] = 0 }
                    continue
                }
                row[label] -= 1
                let factor = T(scale)
                for j in 0..<c { row[j] *= factor }
            }
        }
        if compute == .float64 { adjust(Double.self) } else { adjust(Float.self) }
        return try out.to(dtype: logits.dtype)
    }
}
