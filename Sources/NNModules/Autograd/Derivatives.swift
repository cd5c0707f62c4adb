import Foundation

/// The backward formulas of the differentiable operations (torch's `derivatives.yaml`), written with
/// public tensor operations so they follow the kernels wherever those compute. Each takes the saved
/// forward values and the output gradient and returns the input gradients, reduced to each input's shape
/// where the forward broadcast it.
public enum Derivatives {
    /// Elementwise map through values, for the pointwise derivatives.
    static func map(_ x: Tensor, _ body: (Double) -> Double) throws -> Tensor {
        Tensor(try x.contiguous().toDoubles().map(body), shape: x.sizes, dtype: x.dtype)
    }

    static func zip(_ a: Tensor, _ b: Tensor, _ body: (Double, Double) -> Double) throws -> Tensor {
        let shape = try broadcastShapes(a.sizes, b.sizes)
        let x = try a.expand(shape).toDoubles(), y = try b.expand(shape).toDoubles()
        return Tensor(Swift.zip(x, y).map(body), shape: shape, dtype: TypePromotion.result(a.dtype, b.dtype))
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
        let n = y.sizes.last ?? 1
        let gy = try (try g * y).contiguous().toDoubles(), yv = try y.contiguous().toDoubles()
        var out = [Double](repeating: 0, count: yv.count)
        var start = 0
        while start < yv.count {
            let dot = (start..<(start + n)).reduce(0) { $0 + gy[$1] }
            for i in start..<(start + n) { out[i] = gy[i] - yv[i] * dot }
            start += n
        }
        return Tensor(out, shape: y.sizes, dtype: y.dtype)
    }

    /// log_softmax along the last dimension: `g − softmax ⊙ Σ g`.
    public static func logSoftmaxLastDim(_ g: Tensor, output y: Tensor) throws -> Tensor {
        let n = y.sizes.last ?? 1
        let gv = try g.contiguous().toDoubles(), yv = try y.contiguous().toDoubles()
        var out = [Double](repeating: 0, count: yv.count)
        var start = 0
        while start < yv.count {
            let total = (start..<(start + n)).reduce(0) { $0 + gv[$1] }
            for i in start..<(start + n) { out[i] = gv[i] - Foundation.exp(yv[i]) * total }
            start += n
        }
        return Tensor(out, shape: y.sizes, dtype: y.dtype)
    }

    /// LayerNorm over the trailing `n` elements of each row (without the affine part); returns the input
    /// gradient given the gradient of the normalized value.
    public static func normalizeRows(_ gNormalized: Tensor, input x: Tensor, rowLength n: Int, eps: Double, centered: Bool) throws -> Tensor {
        let xv = try x.contiguous().toDoubles(), gv = try gNormalized.contiguous().toDoubles()
        var out = [Double](repeating: 0, count: xv.count)
        var start = 0
        while start < xv.count {
            let row = start..<(start + n)
            let mean = centered ? row.reduce(0) { $0 + xv[$1] } / Double(n) : 0
            let variance = row.reduce(0) { $0 + (xv[$1] - mean) * (xv[$1] - mean) } / Double(n)
            let inv = 1 / (variance + eps).squareRoot()
            let gMean = centered ? row.reduce(0) { $0 + gv[$1] } / Double(n) : 0
            let gDotXhat = row.reduce(0) { $0 + gv[$1] * (xv[$1] - mean) * inv } / Double(n)
            for i in row { out[i] = inv * (gv[i] - gMean - (xv[i] - mean) * inv * gDotXhat) }
            start += n
        }
        return Tensor(out, shape: x.sizes, dtype: x.dtype)
    }

    // MARK: Indexing and losses

    /// Embedding: gradient rows scatter-added into the table (rows at `paddingIdx` receive none).
    public static func embedding(_ g: Tensor, indices: Tensor, numEmbeddings: Int, paddingIdx: Int?) throws -> Tensor {
        let dim = g.sizes.last ?? 1
        let gv = try g.contiguous().toDoubles()
        var out = [Double](repeating: 0, count: numEmbeddings * dim)
        for (i, index) in try indices.toDoubles().enumerated() {
            let row = Int(index)
            guard row != paddingIdx, row >= 0, row < numEmbeddings else { continue }
            for j in 0..<dim { out[row * dim + j] += gv[i * dim + j] }
        }
        return Tensor(out, shape: [numEmbeddings, dim], dtype: g.dtype)
    }

    /// Cross-entropy over class logits `[N, C]` with integer targets: `(softmax − onehot) · g / N` for the
    /// mean reduction (ignored targets contribute nothing and are not counted).
    public static func crossEntropy(_ g: Double, logits: Tensor, targets: Tensor, ignoreIndex: Int, mean: Bool) throws -> Tensor {
        let c = logits.sizes.last ?? 1
        let probabilities = try logits.softmax(dim: -1).contiguous().toDoubles()
        let labels = try targets.toDoubles().map { Int($0) }
        let counted = labels.filter { $0 != ignoreIndex }.count
        let scale = mean ? g / Double(max(counted, 1)) : g
        var out = probabilities
        for (n, label) in labels.enumerated() {
            if label == ignoreIndex {
                for j in 0..<c { out[n * c + j] = 0 }
                continue
            }
            out[n * c + label] -= 1
            for j in 0..<c { out[n * c + j] *= scale }
        }
        return Tensor(out, shape: logits.sizes, dtype: logits.dtype)
    }
}
