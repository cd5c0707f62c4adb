import NNModules

/// A node of the tree inferred from a state dict whose architecture nntop does not know: one module per
/// dotted key prefix, named by its path, holding the tensors whose keys end there. It has counts, shapes and
/// dtypes but no forward, since the keys say nothing about the computation.
final class StateDictModule: Module {
    override func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        throw TorchError.runtimeError("StateDictModule has no forward: this tree was inferred from a state dict's keys and its architecture is unknown")
    }
}

/// Builds the `StateDictModule` tree for a checkpoint's tensors, in checkpoint order.
enum StateDictTree {
    /// Floating-point tensors become parameters (as they would be in almost any model), the others buffers
    /// (`num_batches_tracked`, integer position ids). Tensors are registered as given: zero-copy views of
    /// the mapped file, or meta tensors when browsing lazily.
    static func build(_ tensors: [(name: String, tensor: Tensor)], file: String) throws -> StateDictModule {
        let root = StateDictModule()
        var shared: [TensorView: Parameter] = [:]
        for (key, tensor) in tensors {
            let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard let leaf = parts.last, !parts.contains(where: \.isEmpty) else {
                throw ModelLoadError(description: "\(file): cannot infer a module tree: key '\(key)' has an empty name part")
            }
            var node: Module = root
            for part in parts.dropLast() {
                if let child = node._modules[part] ?? nil {
                    node = child
                } else if node._parameters[part] != nil || node._buffers[part] != nil {
                    throw ModelLoadError(description: "\(file): cannot infer a module tree: '\(key)' lies under '\(part)', which is also a tensor")
                } else {
                    let child = StateDictModule()
                    try node.addModule(part, child)
                    node = child
                }
            }
            guard node._modules[leaf] == nil, node._parameters[leaf] == nil, node._buffers[leaf] == nil else {
                throw ModelLoadError(description: "\(file): cannot infer a module tree: key '\(key)' is both a tensor and a module, or appears twice")
            }
            if tensor.dtype.isFloatingPoint {
                // A tensor saved under two keys (tied weights) stays one parameter, as torch.load keeps it.
                let view = TensorView(tensor)
                let parameter = view.flatMap { shared[$0] } ?? Parameter(tensor)
                if let view { shared[view] = parameter }
                try node.registerParameter(leaf, parameter)
            } else {
                try node.registerBuffer(leaf, tensor)
            }
        }
        return root
    }
}

/// The same view of the same storage: how a tensor saved under two keys comes back from a checkpoint.
private struct TensorView: Hashable {
    let storage: ObjectIdentifier
    let offset: Int
    let shape: [Int]
    let strides: [Int]
    let dtype: DType

    /// `nil` for meta tensors, which have no storage to share.
    init?(_ tensor: Tensor) {
        guard let storage = tensor.storage else { return nil }
        self.storage = ObjectIdentifier(storage)
        offset = tensor.storageOffset
        shape = tensor.sizes
        strides = tensor.strides
        dtype = tensor.dtype
    }
}
