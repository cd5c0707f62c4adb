/// torch.nn.functional.interpolate (nearest, nearest-exact, linear, bilinear, trilinear): gathers through
/// per-axis index maps and weights (`Kernels/Interpolate.swift`).
extension Tensor {
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
            [try grads[0].map { try $0.interpolationGradient(steps: steps, into: shape) }]
        }
        return out
    }
}
