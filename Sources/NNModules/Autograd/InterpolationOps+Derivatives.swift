/// Interpolation's derivative: axis by axis in reverse, each output gradient goes back to the input
/// elements it read (weighted, for the linear modes), summed where several outputs read one input.
extension Tensor {
    /// This gradient (shaped like the interpolation's output) back to the input's `shape`.
    func interpolationGradient(steps: [InterpolationAxis], into shape: [Int]) throws -> Tensor {
        var g = self
        for step in steps.reversed() {
            var inputShape = g.sizes
            inputShape[step.axis] = shape[step.axis]
            var maps = [[Int]?](repeating: nil, count: g.rank)
            maps[step.axis] = step.lower
            guard let upper = step.upper else {
                g = try g.scatteredBack(maps: maps, into: inputShape)
                continue
            }
            let weightShape = step.weightShape(rank: g.rank)
            let low = try (try g * Tensor(step.upperWeight.map { 1 - $0 }, shape: weightShape, dtype: g.dtype))
                .scatteredBack(maps: maps, into: inputShape)
            maps[step.axis] = upper
            let high = try (try g * Tensor(step.upperWeight, shape: weightShape, dtype: g.dtype)).scatteredBack(maps: maps, into: inputShape)
            g = try low + high
        }
        return g
    }
}
