/// Losses (torch.nn.functional: cross_entropy, mse_loss); the loss modules call these with the reduction
/// they were built with ("mean", "sum" or "none").
extension Tensor {
    /// torch.nn.functional.cross_entropy over class logits `[N, C]` (or `[C]`) and int64 targets `[N]`:
    /// log_softmax then negative log likelihood, reduced by mean over the non-ignored targets (or sum/none).
    public static func crossEntropy(_ input: Tensor, _ target: Tensor, ignoreIndex: Int = -100, reduction: String = "mean") throws -> Tensor {
        let logits = input.rank == 1 ? try input.unsqueeze(0) : input
        let labels = target.rank == 0 ? try target.unsqueeze(0) : target
        guard logits.rank == 2, labels.rank == 1, labels.sizes[0] == logits.sizes[0] else {
            throw TorchError.valueError("Expected input batch_size (\(logits.sizes[0])) to match target batch_size (\(labels.sizes.first ?? 0)).")
        }
        guard !labels.dtype.isFloatingPoint else {
            throw TorchError.runtimeError("expected scalar type Long but found \(labels.dtype.legacyTypeName.dropFirst(6).dropLast(6))")
        }
        let classes = logits.sizes[1]
        let logp = try GradMode.noGrad { try logits.softmax(dim: -1).log() }.contiguous().toDoubles()
        let ids = try labels.toDoubles().map { Int($0) }
        var perSample = [Double](repeating: 0, count: ids.count)
        for (n, label) in ids.enumerated() where label != ignoreIndex {
            guard label >= 0, label < classes else { throw TorchError.indexError("Target \(label) is out of bounds.") }
            perSample[n] = -logp[n * classes + label]
        }
        let counted = ids.filter { $0 != ignoreIndex }.count
        let out: Tensor
        switch reduction {
        case "none": out = Tensor(perSample, shape: [ids.count], dtype: logits.dtype)
        case "sum": out = Tensor([perSample.reduce(0, +)], shape: [], dtype: logits.dtype)
        default: out = Tensor([perSample.reduce(0, +) / Double(counted)], shape: [], dtype: logits.dtype)
        }
        let mean = reduction == "mean", perSampleLoss = reduction == "none", ignore = ignoreIndex
        Tensor.recordOperation("NllLossBackward0", inputs: [input], outputs: [out], saving: [input, target]) { grads in
            guard let g = grads[0] else { return [nil] }
            if perSampleLoss {
                let softmaxGrad = try Derivatives.crossEntropy(1, logits: logits, targets: labels, ignoreIndex: ignore, mean: false)
                return [try (try softmaxGrad * (try g.unsqueeze(1))).reshape(input.sizes)]
            }
            return [try Derivatives.crossEntropy(try g.item(), logits: logits, targets: labels, ignoreIndex: ignore, mean: mean).reshape(input.sizes)]
        }
        return out
    }

    /// torch.nn.functional.mse_loss: mean (or sum, none) of squared differences.
    public static func mseLoss(_ input: Tensor, _ target: Tensor, reduction: String = "mean") throws -> Tensor {
        guard input.sizes == target.sizes else {
            throw TorchError.runtimeError("The size of tensor a (\(input.sizes.last ?? 0)) must match the size of tensor b (\(target.sizes.last ?? 0)) at non-singleton dimension \(max(input.rank - 1, 0))")
        }
        let diff = try GradMode.noGrad { try input - target }
        let squared = try GradMode.noGrad { try diff * diff }
        let out: Tensor
        switch reduction {
        case "none": out = squared
        case "sum": out = try GradMode.noGrad { try squared.sum() }
        default: out = try GradMode.noGrad { try squared.mean() }
        }
        let scale = reduction == "mean" ? 2.0 / Double(max(input.count, 1)) : 2.0
        let reduced = reduction != "none"
        Tensor.recordOperation("MseLossBackward0", inputs: [input, target], outputs: [out], saving: [input, target]) { grads in
            guard let g = grads[0] else { return [nil, nil] }
            let upstream = reduced ? try g.reshape([]).expand(diff.sizes) : g
            let gi = try (try diff * scale) * upstream
            return [gi, try -gi]
        }
        return out
    }
}
