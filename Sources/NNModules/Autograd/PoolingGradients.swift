/// The derivative of max pooling: each output's gradient goes to the input position that won its window
/// (the indices `max_pool2d_with_indices` reports), summed where windows overlap.
extension Tensor {
    static func maxPool2dGradient(_ g: Tensor, input: Tensor, window: PoolWindow) throws -> Tensor {
        let (_, indices) = try maxPool2d(input, window)
        let plane = input.sizes[input.rank - 2] * input.sizes[input.rank - 1]
        let outPlane = g.sizes[g.rank - 2] * g.sizes[g.rank - 1]
        let grads = try g.contiguous().toDoubles(), positions = try indices.toDoubles()
        var result = [Double](repeating: 0, count: input.count)
        for (i, position) in positions.enumerated() {
            result[(i / outPlane) * plane + Int(position)] += grads[i]
        }
        return Tensor(result, shape: input.sizes, dtype: input.dtype)
    }
}
