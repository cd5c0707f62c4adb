/// In-place changes under autograd, as PyTorch handles them. Before the write, the checks of
/// `check_inplace`: a leaf that requires grad (or a view of one) may not change, nor may a view made in
/// no_grad mode or handed out by a custom function (a module's full backward hook). After the write the
/// tensor's history is rebased: a plain tensor gets the node that produced its new values; for a view,
/// its base gets a `CopySlices` node (the old base outside the view, the new values inside) and the view
/// becomes a view of that new base again.
struct ViewOrigin {
    enum Creation {
        /// A view operation with grad mode on (torch `CreationMeta::DEFAULT`).
        case viewOperation
        /// A view operation under no_grad.
        case noGradMode
        /// Output `output` of the custom function `function` that returned its input as a view.
        case customFunction(function: String, output: Int)

        var isViewOperation: Bool {
            if case .viewOperation = self { return true }
            return false
        }
    }

    let base: Tensor
    let creation: Creation

    /// The origin of a view of `parent`: the root base, and the parent's creation when that was special
    /// (torch `propagate_creation_meta`). Unlike PyTorch, a view made under no_grad counts as a no_grad
    /// view only when what it views requires grad: kernels compute under no_grad and may hand out views
    /// of temporaries, and an in-place change through such a view is then recorded (CopySlices) instead
    /// of refused.
    init(viewing parent: Tensor) {
        base = parent.viewOrigin?.base ?? parent
        if let inherited = parent.viewOrigin?.creation, !inherited.isViewOperation {
            creation = inherited
        } else {
            creation = GradMode.isEnabled || !parent.requiresGrad ? .viewOperation : .noGradMode
        }
    }

    init(base: Tensor, creation: Creation) {
        self.base = base
        self.creation = creation
    }
}

extension Tensor {
    /// torch `check_inplace`: throws PyTorch's error when changing this tensor in place (with `other`
    /// operands supplying the new values) would corrupt the recorded graph.
    func checkInPlace(with others: [Tensor] = []) throws {
        guard GradMode.isEnabled, requiresGrad || others.contains(where: \.requiresGrad) else { return }
        if let origin = viewOrigin {
            switch origin.creation {
            case .customFunction(let function, let output):
                throw TorchError.runtimeError("Output \(output) of \(function) is a view and is being modified inplace. This view was created inside a custom Function (or because an input was returned as-is) and the autograd logic to handle view+inplace would override the custom backward associated with the custom Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning the output of the custom Function.")
            case .noGradMode:
                throw TorchError.runtimeError("A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).")
            case .viewOperation:
                if requiresGrad && origin.base.isLeaf {
                    throw TorchError.runtimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
                }
            }
        }
        if requiresGrad && isLeaf {
            throw TorchError.runtimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        }
    }

    /// A copy of the values that stands in this tensor's place in the graph (same `grad_fn` and output
    /// number), for an in-place function to compute from before the values are overwritten.
    func copyKeepingHistory() throws -> Tensor {
        let copy = try GradMode.noGrad { try clone() }
        copy.gradFn = gradFn
        copy.outputNr = outputNr
        return copy
    }

    /// After this tensor was overwritten with `source`'s values (broadcast and cast to this shape and
    /// dtype), records where its new values come from. `adopt` lets a plain tensor take over `source`'s
    /// node when `source` is a fresh result of the same shape and dtype (an in-place activation then reads
    /// `ReluBackward0`, as in PyTorch); otherwise the node is `CopyBackwards`.
    func rebaseHistory(onto source: Tensor, adopt: Bool = false) {
        guard GradMode.isEnabled, requiresGrad || source.requiresGrad else { return }
        let toSource: (Tensor) throws -> Tensor = { try $0.sumTo(source.sizes).to(dtype: source.dtype) }
        if let origin = viewOrigin {
            let base = origin.base, region = ViewRegion(self, in: base)
            Tensor.recordOperation("CopySlices", inputs: [base, source], outputs: [base]) { grads in
                guard let g = grads[0] else { return [nil, nil] }
                return [try region.zeroed(g), try toSource(try region.extract(g))]
            }
            Tensor.record("AsStridedBackward0", inputs: [base], outputs: [self], outputsAreViews: true) { grads in
                [try grads[0].map { try region.scattered($0) }]
            }
            return
        }
        if adopt, let node = source.gradFn, source.sizes == sizes, source.dtype == dtype {
            gradFn = node
            outputNr = source.outputNr
            return
        }
        Tensor.recordOperation("CopyBackwards", inputs: [self, source], outputs: [self]) { grads in
            guard let g = grads[0] else { return [nil, nil] }
            return [Tensor.zeros(g.sizes, dtype: g.dtype), try toSource(g)]
        }
    }

    /// Counts one in-place change of this tensor's memory (torch `bump_version`).
    func bumpVersion() { storage?.version += 1 }
}

/// Where a view's elements sit in its base: for each element of the view (row-major), the row-major
/// position in the base. Moves gradients between the view's shape and the base's.
struct ViewRegion {
    let positions: [Int]
    let viewShape: [Int], baseShape: [Int]

    init(_ view: Tensor, in base: Tensor) {
        viewShape = view.sizes
        baseShape = base.sizes
        if base.isContiguous {
            positions = view.elementOffsets().map { $0 - base.storageOffset }
        } else {
            var position: [Int: Int] = [:]
            for (i, offset) in base.elementOffsets().enumerated() { position[offset] = i }
            positions = view.elementOffsets().map { position[$0] ?? 0 }
        }
    }

    /// The view's part of a base-shaped gradient.
    func extract(_ g: Tensor) throws -> Tensor {
        let values = try g.contiguous().toDoubles()
        return Tensor(positions.map { values[$0] }, shape: viewShape, dtype: g.dtype)
    }

    /// A base-shaped gradient with the view's part zeroed (those values were overwritten).
    func zeroed(_ g: Tensor) throws -> Tensor {
        var values = try g.contiguous().toDoubles()
        for p in positions { values[p] = 0 }
        return Tensor(values, shape: baseShape, dtype: g.dtype)
    }

    /// A view-shaped gradient placed into a zero base (summed where the view repeats an element).
    func scattered(_ g: Tensor) throws -> Tensor {
        var values = [Double](repeating: 0, count: baseShape.reduce(1, *))
        for (p, v) in zip(positions, try g.contiguous().toDoubles()) { values[p] += v }
        return Tensor(values, shape: baseShape, dtype: g.dtype)
    }
}
