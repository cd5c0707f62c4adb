/// Padding, interpolation and masked_fill with their derivatives. Padding and the interpolation modes are
/// gathers through per-dimension index maps (`gathered`), so their derivative is the matching scatter-add:
/// every output element's gradient goes back to the input element it read (weighted, for linear modes),
/// summed where several outputs read one input (reflect borders, upsampling).
extension Tensor {
    /// torch.nn.functional.pad; the node is named like PyTorch's for the mode (`ConstantPadNdBackward0`,
    /// `ReflectionPad2DBackward0`, ...).
    public func pad(_ pad: [Int], mode: PadMode = .constant, value: Double = 0) throws -> Tensor {
        let out = try GradMode.noGrad { try padValues(pad, mode: mode, value: value) }
        guard GradMode.isEnabled, requiresGrad else { return out }
        let maps = try padMaps(pad, mode: mode), shape = sizes
        let name = switch mode {
        case .constant: "ConstantPadNdBackward0"
        case .reflect: "ReflectionPad\(pad.count / 2)DBackward0"
        case .replicate: "ReplicationPad\(pad.count / 2)DBackward0"
        case .circular: "CopySlices"
        }
        Tensor.recordOperation(name, inputs: [self], outputs: [out]) { grads in
            [try grads[0].map { try $0.scatteredBack(maps: maps, into: shape) }]
        }
        return out
    }

    /// torch.nn.functional.interpolate; the node is PyTorch's `Upsample<Mode><n>DBackward0`.
    public func interpolate(size: IntOrTuple? = nil, scaleFactor: Double? = nil, mode: String = "nearest",
                            alignCorners: Bool? = nil, recomputeScaleFactor: Bool? = nil) throws -> Tensor {
        let out = try GradMode.noGrad { try interpolateValues(size: size, scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners, recomputeScaleFactor: recomputeScaleFactor) }
        guard GradMode.isEnabled, requiresGrad else { return out }
        let steps = try interpolationAxes(size: size, scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners,
                                          recomputeScaleFactor: recomputeScaleFactor)
        let kind = ["nearest": "UpsampleNearest", "nearest-exact": "_UpsampleNearestExact", "linear": "UpsampleLinear",
                    "bilinear": "UpsampleBilinear", "trilinear": "UpsampleTrilinear"][mode] ?? "Upsample"
        let shape = sizes
        Tensor.recordOperation("\(kind)\(rank - 2)DBackward0", inputs: [self], outputs: [out]) { grads in
            guard var g = grads[0] else { return [nil] }
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
            return [g]
        }
        return out
    }

    /// torch: `masked_fill(mask, value)`; the filled positions pass no gradient.
    public func maskedFill(_ mask: Tensor, _ value: Double) throws -> Tensor {
        let out = try GradMode.noGrad { try maskedFillValues(mask, value) }
        Tensor.recordOperation("MaskedFillBackward0", inputs: [self], outputs: [out], saving: [mask]) { grads in
            [try grads[0].map { try $0.maskedFillValues(mask, 0) }]
        }
        return out
    }

    /// The adjoint of `gathered(maps:)`: this tensor (shaped like the gather's output) scatter-added back
    /// into a tensor of `shape`; elements that read no source (a constant fill) are dropped.
    func scatteredBack(maps: [[Int]?], into shape: [Int]) throws -> Tensor {
        let values = try contiguous().toDoubles()
        let targetStrides = Tensor.contiguousStrides(for: shape)
        var result = [Double](repeating: 0, count: shape.reduce(1, *))
        let offsets: [[Int?]] = sizes.indices.map { d in
            guard let map = maps[d] else { return (0..<sizes[d]).map { $0 * targetStrides[d] } }
            return map.map { $0 < 0 ? nil : $0 * targetStrides[d] }
        }
        var index = [Int](repeating: 0, count: rank)
        for value in values {
            var offset = 0, hasSource = true
            for d in 0..<rank {
                guard let o = offsets[d][index[d]] else { hasSource = false; break }
                offset += o
            }
            if hasSource { result[offset] += value }
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < sizes[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return Tensor(result, shape: shape, dtype: dtype)
    }
}
