import Foundation

/// torch.nn.functional.interpolate for the modes nearest, nearest-exact, linear, bilinear and trilinear, with
/// PyTorch's source-index rules (`nearest_idx`, `area_pixel_compute_source_index`). Linear modes interpolate
/// one spatial dimension at a time, which is the same weighted sum as PyTorch's 2-D/3-D kernels.
extension Tensor {
    /// - Throws: PyTorch's errors for conflicting or missing size/scale_factor, align_corners with nearest
    ///   modes and input ranks that do not fit the mode; NotImplementedError for bicubic and area.
    func interpolateValues(size: IntOrTuple? = nil, scaleFactor: Double? = nil, mode: String = "nearest",
                            alignCorners: Bool? = nil, recomputeScaleFactor: Bool? = nil) throws -> Tensor {
        try interpolationAxes(size: size, scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners,
                              recomputeScaleFactor: recomputeScaleFactor).reduce(self) { try $0.interpolated(along: $1) }
    }

    /// What `interpolate` does to each spatial axis, in order (the derivative walks them back).
    func interpolationAxes(size: IntOrTuple?, scaleFactor: Double?, mode: String, alignCorners: Bool?,
                           recomputeScaleFactor: Bool?) throws -> [InterpolationAxis] {
        let nearestModes = ["nearest", "nearest-exact", "area"]
        if nearestModes.contains(mode) && alignCorners != nil {
            throw TorchError.valueError("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear")
        }
        let dims = rank - 2
        var outputSize: [Int]
        var scales: [Double]?
        switch (size, scaleFactor) {
        case (.some, .some): throw TorchError.valueError("only one of size or scale_factor should be defined")
        case (.none, .none): throw TorchError.valueError("either size or scale_factor should be defined")
        case (.some(let size), .none):
            if recomputeScaleFactor == true {
                throw TorchError.valueError("recompute_scale_factor is not meaningful with an explicit size.")
            }
            outputSize = size.expanded(max(dims, 0))
            guard outputSize.count == dims else {
                throw TorchError.valueError("Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of \(Tensor.pythonShape(Array(sizes.dropFirst(2)))) and output size of \(size). Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
            }
        case (.none, .some(let factor)):
            outputSize = sizes.dropFirst(2).map { Int((Double($0) * factor).rounded(.down)) }
            scales = recomputeScaleFactor == true ? nil : [Double](repeating: factor, count: max(dims, 0))
        }
        let expectedRank = ["linear": 3, "bilinear": 4, "trilinear": 5][mode]
        if let expectedRank, rank != expectedRank, (3...5).contains(rank) {
            throw TorchError.notImplementedError("Got \(rank)D input, but \(mode) mode needs \(expectedRank)D input")
        }
        guard (3...5).contains(rank), ["nearest", "nearest-exact", "linear", "bilinear", "trilinear", "bicubic", "area"].contains(mode) else {
            throw TorchError.notImplementedError("Input Error: Only 3D, 4D and 5D input Tensors supported (got \(rank)D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got \(mode))")
        }
        return try (0..<dims).map { d in
            let (input, output, scale) = (sizes[d + 2], outputSize[d], scales?[d])
            switch mode {
            case "nearest", "nearest-exact":
                let sources = (0..<output).map { nearestSource($0, input: input, output: output, scale: scale, exact: mode == "nearest-exact") }
                return InterpolationAxis(axis: d + 2, lower: sources, upper: nil, upperWeight: [])
            case "linear", "bilinear", "trilinear":
                return linearAxis(d + 2, input: input, output: output, scale: scale, alignCorners: alignCorners ?? false)
            default:
                throw TorchError.notImplementedError("interpolate with mode='\(mode)' is not implemented in nntop")
            }
        }
    }

    /// PyTorch's `nearest_idx` / `nearest_neighbor_exact_compute_source_index`, in float like its kernel.
    private func nearestSource(_ o: Int, input: Int, output: Int, scale: Double?, exact: Bool) -> Int {
        if !exact && output == input { return o }
        if !exact && output == 2 * input { return o >> 1 }
        let s = scale.map { $0 > 0 ? Float(1 / $0) : Float(input) / Float(output) } ?? Float(input) / Float(output)
        let position = exact ? (Float(o) + 0.5) * s : Float(o) * s
        return min(Int(position.rounded(.down)), input - 1)
    }

    /// Linear interpolation along `axis` with `area_pixel_compute_source_index`'s half-pixel or corner rule.
    private func linearAxis(_ axis: Int, input: Int, output: Int, scale: Double?, alignCorners: Bool) -> InterpolationAxis {
        let step: Double
        if alignCorners {
            step = output > 1 ? Double(input - 1) / Double(output - 1) : 0
        } else {
            step = scale.map { $0 > 0 ? 1 / $0 : Double(input) / Double(output) } ?? Double(input) / Double(output)
        }
        var lower = [Int](), upper = [Int](), upperWeight = [Double]()
        for o in 0..<output {
            let source = alignCorners ? step * Double(o) : max(step * (Double(o) + 0.5) - 0.5, 0)
            let i0 = min(Int(source.rounded(.down)), input - 1)
            lower.append(i0)
            upper.append(i0 + (i0 < input - 1 ? 1 : 0))
            upperWeight.append(min(max(source - Double(i0), 0), 1))
        }
        return InterpolationAxis(axis: axis, lower: lower, upper: upper, upperWeight: upperWeight)
    }

    /// One interpolation step: a gather (nearest) or the weighted sum of two gathers (linear modes).
    func interpolated(along step: InterpolationAxis) throws -> Tensor {
        var maps = [[Int]?](repeating: nil, count: rank)
        maps[step.axis] = step.lower
        guard let upper = step.upper else { return try gathered(maps: maps) }
        let dtype = floatResult
        let low = try gathered(maps: maps) * Tensor(step.upperWeight.map { 1 - $0 }, shape: step.weightShape(rank: rank), dtype: dtype)
        maps[step.axis] = upper
        let high = try gathered(maps: maps) * Tensor(step.upperWeight, shape: step.weightShape(rank: rank), dtype: dtype)
        return try low + high
    }
}

/// One spatial axis of an interpolation: output index `o` reads input index `lower[o]` (nearest modes), or
/// blends it with `upper[o]`, which weighs `upperWeight[o]` (linear modes).
struct InterpolationAxis {
    let axis: Int
    let lower: [Int]
    let upper: [Int]?
    let upperWeight: [Double]

    /// The weights' broadcast shape: the output length on `axis`, 1 elsewhere.
    func weightShape(rank: Int) -> [Int] {
        var shape = [Int](repeating: 1, count: rank)
        shape[axis] = lower.count
        return shape
    }
}
