/// Whether the parameters of a subtree will receive gradients.
public enum TrainableState: Sendable, Equatable {
    case yes, no, partial
    /// The subtree has no parameters.
    case none
}

/// Counts that depend on `requires_grad`; recomputed whenever the trainable set changes so the header
/// and the tree update in the same frame as the key press.
public struct ParameterAccounting: Sendable {
    /// Trainable elements in each subtree, tied tensors counted once.
    public let trainableNumel: [Int]
    public let total: Int
    public let trainable: Int
    /// Bytes of every parameter tensor, grouped by dtype, largest first.
    public let bytesByDtype: [(dtype: String, bytes: Int)]
    /// Weights + buffers + gradients + Adam's two moment tensors for the trainable set.
    public let trainingMemoryBytes: Int

    public var frozen: Int { total - trainable }

    public init(tree: ModelTree, index: ModelIndex) {
        trainableNumel = index.subtreeNumel(of: tree.parameters) { $0.requiresGrad }
        total = tree.parameters.reduce(0) { $0 + $1.numel }
        trainable = tree.parameters.reduce(0) { $0 + ($1.requiresGrad ? $1.numel : 0) }
        var byDtype: [String: Int] = [:]
        for p in tree.parameters { byDtype[p.dtype, default: 0] += p.bytes }
        bytesByDtype = byDtype.map { (dtype: $0.key, bytes: $0.value) }
            .sorted { ($0.bytes, $1.dtype) > ($1.bytes, $0.dtype) }
        let weights = tree.parameters.reduce(0) { $0 + $1.bytes }
        let buffers = tree.modules.reduce(0) { $0 + $1.bufferBytes }
        let trainableBytes = tree.parameters.reduce(0) { $0 + ($1.requiresGrad ? $1.bytes : 0) }
        // torch.optim.Adam keeps exp_avg and exp_avg_sq shaped and typed like each parameter.
        trainingMemoryBytes = weights + buffers + 3 * trainableBytes
    }

    /// The trainable state of `row`'s subtree.
    public func state(of row: Int, index: ModelIndex) -> TrainableState {
        let total = index.totalParams[row]
        let trainable = trainableNumel[row]
        if total == 0 { return .none }
        if trainable == total { return .yes }
        return trainable == 0 ? .no : .partial
    }
}
