/// Masking (torch: masked_fill, triu, tril). Their derivatives mask the gradient the same way: the filled
/// or zeroed positions pass no gradient.
extension Tensor {
    /// torch: `masked_fill(mask, value)`.
    public func maskedFill(_ mask: Tensor, _ value: Double) throws -> Tensor {
        let out = try GradMode.noGrad { try maskedFillValues(mask, value) }
        Tensor.recordOperation("MaskedFillBackward0", inputs: [self], outputs: [out], saving: [mask]) { grads in
            [try grads[0].map { try $0.maskedFillValues(mask, 0) }]
        }
        return out
    }

    /// torch.triu over the last two dimensions: the upper triangle from `diagonal` on is kept, the rest
    /// zeroed. Causal attention masks are `triu(full(min), diagonal: 1)`.
    public func triu(diagonal: Int = 0) throws -> Tensor { try triangle("TriuBackward0") { col, row in col - row >= diagonal } }

    /// torch.tril: the lower triangle up to `diagonal` is kept.
    public func tril(diagonal: Int = 0) throws -> Tensor { try triangle("TrilBackward0") { col, row in col - row <= diagonal } }

    private func triangle(_ name: String, keep: @escaping (Int, Int) -> Bool) throws -> Tensor {
        let out = try triangleValues(keep: keep)
        if isMeta { return out }
        Tensor.recordOperation(name, inputs: [self], outputs: [out]) { grads in
            [try grads[0].map { try $0.triangle(name, keep: keep) }]
        }
        return out
    }
}
