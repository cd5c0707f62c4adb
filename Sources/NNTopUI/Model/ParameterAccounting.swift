/// Whether the parameters of a subtree will receive gradients.
public enum TrainableState: Sendable, Equatable {
    case yes, no, partial
    /// The subtree has no parameters.
    case none
}

/// Counts that depend on `requires_grad`; recomputed whenever the trainable set changes so the header
/// and the tree update in the same frame as the key press.
struct ParameterAccounting: Sendable {
    /// Trainable elements in each subtree, tied tensors counted once.
    let trainableNumel: [Int]
    let total: Int
    let trainable: Int
    /// Bytes of every parameter tensor, grouped by dtype, largest first.
    let bytesByDtype: [(dtype: String, bytes: Int)]
    /// Weights + buffers + gradients + Adam's two moment tensors for the trainable set.
    let trainingMemoryBytes: Int

    var frozen: Int { total - trainable }

    init(model: ModelInfo, index: ModelIndex) {
        trainableNumel = index.subtreeNumel(of: model.parameters) { $0.requiresGrad }
        total = model.parameters.reduce(0) { $0 + $1.numel }
        trainable = model.parameters.reduce(0) { $0 + ($1.requiresGrad ? $1.numel : 0) }
        var byDtype: [String: Int] = [:]
        for p in model.parameters { byDtype[p.dtype, default: 0] += p.bytes }
        bytesByDtype = byDtype.map { (dtype: $0.key, bytes: $0.value) }
            .sorted { ($0.bytes, $1.dtype) > ($1.bytes, $0.dtype) }
        let weights = model.parameters.reduce(0) { $0 + $1.bytes }
        let buffers = model.rows.reduce(0) { $0 + $1.bufferBytes }
        let trainableBytes = model.parameters.reduce(0) { $0 + ($1.requiresGrad ? $1.bytes : 0) }
        // torch.optim.Adam keeps exp_avg and exp_avg_sq shaped and typed like each parameter.
        trainingMemoryBytes = weights + buffers + 3 * trainableBytes
    }

    /// The trainable state of `row`'s subtree.
    func state(of row: Int, index: ModelIndex) -> TrainableState {
        let total = index.totalParams[row]
        let trainable = trainableNumel[row]
        if total == 0 { return .none }
        if trainable == total { return .yes }
        return trainable == 0 ? .no : .partial
    }
}
