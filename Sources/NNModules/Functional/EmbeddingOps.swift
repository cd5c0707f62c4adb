/// torch.nn.functional.embedding: rows of `weight` looked up by integer `indices`.
extension Tensor {
    public static func embedding(_ indices: Tensor, weight: Tensor, paddingIdx: Int? = nil) throws -> Tensor {
        let out = try GradMode.noGrad { try embeddingValues(indices, weight: weight) }
        recordOperation("EmbeddingBackward0", inputs: [weight], outputs: [out], saving: [indices]) { grads in
            [try grads[0].map { try Derivatives.embedding($0, indices: indices, numEmbeddings: weight.sizes[0], paddingIdx: paddingIdx) }]
        }
        return out
    }
}
