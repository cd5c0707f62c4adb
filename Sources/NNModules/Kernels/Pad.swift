/// torch.nn.functional.pad's modes. Convolutions with `padding_mode` reflect/replicate/circular pad with
/// these before a zero-padding-free convolution, exactly like `_ConvNd._conv_forward`.
public enum PadMode: String, Sendable {
    case constant, reflect, replicate, circular
}

extension Tensor {
    /// torch.nn.functional.pad(input, pad, mode, value).
    /// - Parameters:
    ///   - pad: (before, after) pairs starting from the last dimension, as in PyTorch. Constant padding may be
    ///     negative (it crops).
    ///   - mode: how the border is filled.
    ///   - value: the fill of `.constant`.
    /// - Throws: PyTorch's errors for odd or too long `pad`, reflect padding not smaller than the input,
    ///   circular padding wrapping more than once, and non-constant padding of unsupported ranks.
    func padValues(_ pad: [Int], mode: PadMode = .constant, value: Double = 0) throws -> Tensor {
        try gathered(maps: try padMaps(pad, mode: mode), fill: value)
    }

    /// Per dimension, the source index of each padded index (−1 for the constant fill), as `gathered`
    /// takes them; the derivative scatters back through the same maps.
    func padMaps(_ pad: [Int], mode: PadMode) throws -> [[Int]?] {
        guard pad.count % 2 == 0 else { throw TorchError.runtimeError("Padding length must be divisible by 2") }
        let padded = pad.count / 2
        guard padded <= rank else {
            throw TorchError.runtimeError("Padding length should be less than or equal to two times the input dimension but got padding length \(pad.count) and input of dimension \(rank)")
        }
        if mode != .constant && (!(rank == padded + 1 || rank == padded + 2) || padded > 3) {
            throw TorchError.notImplementedError("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now")
        }
        var maps = [[Int]?](repeating: nil, count: rank)
        for k in 0..<padded {
            let d = rank - 1 - k, n = sizes[d]
            let (before, after) = (pad[2 * k], pad[2 * k + 1])
            try checkPad(before, after, dim: d, mode: mode)
            maps[d] = (-before..<(n + after)).map { i in
                switch mode {
                case .constant: return i >= 0 && i < n ? i : -1
                case .reflect: return i < 0 ? -i : (i >= n ? 2 * (n - 1) - i : i)
                case .replicate: return min(max(i, 0), n - 1)
                case .circular: return ((i % n) + n) % n
                }
            }
        }
        return maps
    }

    private func checkPad(_ before: Int, _ after: Int, dim d: Int, mode: PadMode) throws {
        let n = sizes[d]
        switch mode {
        case .constant:
            guard n + before + after >= 0 else {
                throw TorchError.runtimeError("The input size \(n), plus negative padding \(before) and \(after) resulted in a negative output size, which is invalid. Check dimension \(d) of your input.")
            }
        case .reflect:
            guard before < n, after < n, before >= 0, after >= 0 else {
                throw TorchError.runtimeError("Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (\(before), \(after)) at dimension \(d) of input \(Tensor.pythonShape(sizes))")
            }
        case .replicate:
            guard n > 0, before >= 0, after >= 0 else {
                throw TorchError.runtimeError("Expected the padded dimension \(d) of input \(Tensor.pythonShape(sizes)) to be non-empty with non-negative padding")
            }
        case .circular:
            guard before <= n, after <= n, before >= 0, after >= 0 else {
                throw TorchError.runtimeError("Padding value causes wrapping around more than once.")
            }
        }
    }
}
