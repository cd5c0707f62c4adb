/// The derivative of the cross-entropy loss over class logits.
extension Derivatives {
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
