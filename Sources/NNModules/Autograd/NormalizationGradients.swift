/// Layer norm, group norm and embedding lookups with their derivatives: the norms' input gradient goes
/// through the normalized rows (a row is a sample's trailing dimensions for layer norm, a (sample, group)
/// slot for group norm), their affine gradients are summed over everything but the affine dimension; an
/// embedding's rows receive the scatter-added output gradient (none for `padding_idx`).
extension Tensor {
    public static func groupNorm(_ input: Tensor, numGroups: Int, weight: Tensor?, bias: Tensor?, eps: Double) throws -> Tensor {
        let out = try GradMode.noGrad { try groupNormValues(input, numGroups: numGroups, weight: weight, bias: bias, eps: eps) }
        recordOperation("NativeGroupNormBackward0", inputs: [input, weight, bias], outputs: [out], saving: [input, weight]) { grads in
            guard let g = grads[0] else { return [nil, nil, nil] }
            let channels = input.sizes[1]
            var perChannel = [Int](repeating: 1, count: input.rank)
            perChannel[1] = channels
            let gNormalized = try weight.map { try g * (try $0.view(perChannel)) } ?? g
            let rowLength = input.count / Swift.max(input.sizes[0] * numGroups, 1)
            let gInput = try Derivatives.normalizeRows(gNormalized, input: try input.contiguous(), rowLength: rowLength, eps: eps, centered: true)
            let channelSums: (Tensor) throws -> Tensor = { try $0.transpose(0, 1).contiguous().reshape([channels, -1]).sum(dims: [1]) }
            let gWeight = try weight.map { _ in
                try channelSums(try g * (try groupNormValues(input, numGroups: numGroups, weight: nil, bias: nil, eps: eps)))
            }
            let gBias = try bias.map { _ in try channelSums(g) }
            return [gInput, gWeight, gBias]
        }
        return out
    }

    public static func layerNorm(_ input: Tensor, normalizedShape: [Int], weight: Tensor?, bias: Tensor?, eps: Double) throws -> Tensor {
        let out = try GradMode.noGrad { try layerNormValues(input, normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps) }
        let n = normalizedShape.reduce(1, *)
        recordOperation("NativeLayerNormBackward0", inputs: [input, weight, bias], outputs: [out], saving: [input, weight]) { grads in
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
        recordOperation("EmbeddingBackward0", inputs: [weight], outputs: [out], saving: [indices]) { grads in
            [try grads[0].map { try Derivatives.embedding($0, indices: indices, numEmbeddings: weight.sizes[0], paddingIdx: paddingIdx) }]
        }
        return out
    }
}
