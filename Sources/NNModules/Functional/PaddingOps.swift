/// torch.nn.functional.pad (constant, reflect, replicate, circular): a gather through per-dimension index
/// maps (`Kernels/Pad.swift`); its derivative scatters the gradient back (`PaddingOps+Derivatives.swift`).
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
}
