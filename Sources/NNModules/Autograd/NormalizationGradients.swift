/// Layer norm and embedding lookups with their derivatives (the GPT-2/BERT path): layer norm's input
/// gradient through the normalized rows, its affine gradients summed over rows; an embedding's rows
/// receive the scatter-added output gradient (none for `padding_idx`).
extension Tensor {
    public static func layerNorm(_ input: Tensor, normalizedShape: [Int], weight: Tensor?, bias: Tensor?, eps: Double) throws -> Tensor {
        let out = try GradMode.noGrad { try layerNormValues(input, normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps) }
        let n = normalizedShape.reduce(1, *)
        recordOperation("NativeLayerNormBackward0", inputs: [input, weight, bias], outputs: [out]) { grads in
            guard let g = grads[0] else { return [nil, nil, nil] }
            let normalized = try layerNormValues(input, normalizedShape: normalizedShape, weight: nil, bias: nil, eps: eps)
            let gNormalized = try weight.map { try g * $0 } ?? g
            let gInput = try Derivatives.normalizeRows(gNormalized, input: try input.contiguous(), rowLength: n, eps: eps, centered: true)
            let rowsOf: (Tensor) throws -> Tensor = { try $0.contiguous().reshape([-1, n]).sum(dims: [0]).reshape(normalizedShape) }
            let gWeight = weight == nil ? nil : try rowsOf(try g * normalized)
            let gBias = bias == nil ? nil : try rowsOf(g)
            return [gInput, gWeight, gBias]
        }
        return out
    }

    public static func embedding(_ indices: Tensor, weight: Tensor, paddingIdx: Int? = nil) throws -> Tensor {
        let out = try GradMode.noGrad { try embeddingValues(indices, weight: weight) }
        recordOperation("EmbeddingBackward0", inputs: [weight], outputs: [out]) { grads in
            [try grads[0].map { try Derivatives.embedding($0, indices: indices, numEmbeddings: weight.sizes[0], paddingIdx: paddingIdx) }]
        }
        return out
    }
}
