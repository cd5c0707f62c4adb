/// Views share storage with their base, exactly where PyTorch avoids copies: view, reshape (when the
/// strides allow), select/indexing, narrow/slicing, permute, transpose, expand, (un)squeeze.
extension Tensor {
    /// Records `view` as computed from self when grad is being recorded; `backward` maps the view's
    /// gradient to one of self's shape.
    func recordView(_ name: String, _ view: Tensor, _ backward: @escaping (Tensor) throws -> Tensor) -> Tensor {
        Tensor.record(name, inputs: [self], outputs: [view], outputsAreViews: true) { grads in [try grads[0].map(backward)] }
        return view
    }

    func makeView(shape: [Int], strides: [Int], offset: Int) -> Tensor {
        let view = Tensor(storage: storage, storageOffset: offset, shape: shape, strides: strides, dtype: dtype, device: device)
        view.viewOrigin = ViewOrigin(viewing: self)
        return view
    }

    /// Resolves one `-1` in a requested shape against the element count.
    func inferShape(_ shape: [Int]) throws -> [Int] {
        var result = shape
        let known = shape.filter { $0 != -1 }.reduce(1, *)
        let inferred = shape.indices.filter { shape[$0] == -1 }
        if inferred.count > 1 { throw TorchError.runtimeError("only one dimension can be inferred") }
        if let i = inferred.first {
            guard known != 0, count % known == 0 else {
                throw TorchError.runtimeError("shape '\(Tensor.pythonShape(shape))' is invalid for input of size \(count)")
            }
            result[i] = count / known
        }
        guard result.reduce(1, *) == count, result.allSatisfy({ $0 >= 0 }) else {
            throw TorchError.runtimeError("shape '\(Tensor.pythonShape(shape))' is invalid for input of size \(count)")
        }
        return result
    }

    static func pythonShape(_ shape: [Int]) -> String {
        "[" + shape.map(String.init).joined(separator: ", ") + "]"
    }

    /// torch: `view(shape)` — requires compatible strides (here: contiguous input).
    public func view(_ shape: [Int]) throws -> Tensor {
        let target = try inferShape(shape)
        guard isContiguous else {
            throw TorchError.runtimeError("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
        }
        return recordView("ViewBackward0", makeView(shape: target, strides: Tensor.contiguousStrides(for: target), offset: storageOffset)) {
            try $0.reshape(self.sizes)
        }
    }

    /// torch: `reshape(shape)` — a view when possible, otherwise a copy.
    public func reshape(_ shape: [Int]) throws -> Tensor {
        let target = try inferShape(shape)
        if isContiguous {
            return recordView("ViewBackward0", makeView(shape: target, strides: Tensor.contiguousStrides(for: target), offset: storageOffset)) {
                try $0.reshape(self.sizes)
            }
        }
        // A copy (torch `_unsafe_view` of a contiguous clone): not a view of anything the caller has.
        let copy = try clone().view(target)
        copy.viewOrigin = nil
        return copy
    }

    /// torch: `t[i]` / `select(dim, i)`: drops the dimension.
    public func select(_ dim: Int, _ index: Int) throws -> Tensor {
        guard rank > 0 else { throw TorchError.indexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number") }
        let d = try normalizeDim(dim)
        let i = index < 0 ? index + sizes[d] : index
        guard i >= 0, i < sizes[d] else {
            throw TorchError.indexError("index \(index) is out of bounds for dimension \(d) with size \(sizes[d])")
        }
        var shape = sizes, st = strides
        shape.remove(at: d); st.remove(at: d)
        return recordView("SelectBackward0", makeView(shape: shape, strides: st, offset: storageOffset + i * strides[d])) { g in
            let base = Tensor.zeros(self.sizes, dtype: g.dtype)
            try base.select(d, i).copy_(g)
            return base
        }
    }

    /// torch: `narrow(dim, start, length)` — the basis of slicing.
    public func narrow(_ dim: Int, start: Int, length: Int) throws -> Tensor {
        let d = try normalizeDim(dim)
        let s = start < 0 ? start + sizes[d] : start
        guard s >= 0, length >= 0, s + length <= sizes[d] else {
            throw TorchError.indexError("start (\(start)) + length (\(length)) exceeds dimension size (\(sizes[d])).")
        }
        var shape = sizes
        shape[d] = length
        return recordView("SliceBackward0", makeView(shape: shape, strides: strides, offset: storageOffset + s * strides[d])) { g in
            let base = Tensor.zeros(self.sizes, dtype: g.dtype)
            try base.narrow(d, start: s, length: length).copy_(g)
            return base
        }
    }

    /// torch: `t[start:end:step]` along `dim` with Python slice clamping.
    public func slice(_ dim: Int, start: Int? = nil, end: Int? = nil, step: Int = 1) throws -> Tensor {
        let d = try normalizeDim(dim)
        guard step > 0 else { throw TorchError.valueError("step must be greater than zero") }
        let n = sizes[d]
        func clamp(_ v: Int?, _ dflt: Int) -> Int {
            guard var v else { return dflt }
            if v < 0 { v += n }
            return min(max(v, 0), n)
        }
        let s = clamp(start, 0), e = max(clamp(end, n), clamp(start, 0))
        var shape = sizes, st = strides
        shape[d] = (e - s + step - 1) / step
        st[d] = strides[d] * step
        return recordView("SliceBackward0", makeView(shape: shape, strides: st, offset: storageOffset + s * strides[d])) { g in
            let base = Tensor.zeros(self.sizes, dtype: g.dtype)
            try base.slice(d, start: s, end: e, step: step).copy_(g)
            return base
        }
    }

    /// torch: `permute(dims)`.
    public func permute(_ dims: [Int]) throws -> Tensor {
        guard dims.count == rank else {
            throw TorchError.runtimeError("permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = \(rank) is not equal to len(dims) = \(dims.count)")
        }
        let normalized = try dims.map { try normalizeDim($0) }
        guard Set(normalized).count == rank else { throw TorchError.runtimeError("permute(): duplicate dims are not allowed.") }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, d) in normalized.enumerated() { inverse[d] = i }
        return recordView("PermuteBackward0", makeView(shape: normalized.map { sizes[$0] }, strides: normalized.map { strides[$0] }, offset: storageOffset)) {
            try $0.permute(inverse)
        }
    }

    /// torch: `transpose(dim0, dim1)`.
    public func transpose(_ dim0: Int, _ dim1: Int) throws -> Tensor {
        let a = try normalizeDim(dim0), b = try normalizeDim(dim1)
        if rank == 0 { return self }
        var shape = sizes, st = strides
        shape.swapAt(a, b); st.swapAt(a, b)
        return recordView("TransposeBackward0", makeView(shape: shape, strides: st, offset: storageOffset)) { try $0.transpose(a, b) }
    }

    /// torch: `t()` / `.T` on 2-D tensors (and a no-op below 2-D).
    public func t() throws -> Tensor { rank < 2 ? self : try transpose(0, 1) }

    /// torch: `unsqueeze(dim)`.
    public func unsqueeze(_ dim: Int) throws -> Tensor {
        let n = rank + 1
        let d = dim < 0 ? dim + n : dim
        guard d >= 0, d < n else {
            throw TorchError.indexError("Dimension out of range (expected to be in range of [\(-n), \(n - 1)], but got \(dim))")
        }
        var shape = sizes, st = strides
        let newStride = d < rank ? strides[d] * sizes[d] : 1
        shape.insert(1, at: d); st.insert(newStride, at: d)
        return recordView("UnsqueezeBackward0", makeView(shape: shape, strides: st, offset: storageOffset)) { try $0.squeeze(d) }
    }

    /// torch: `squeeze(dim)`; a no-op when that dimension is not 1.
    public func squeeze(_ dim: Int) throws -> Tensor {
        let d = try normalizeDim(dim)
        guard rank > 0, sizes[d] == 1 else { return self }
        var shape = sizes, st = strides
        shape.remove(at: d); st.remove(at: d)
        return recordView("SqueezeBackward1", makeView(shape: shape, strides: st, offset: storageOffset)) { try $0.unsqueeze(d) }
    }

    /// torch: `expand(sizes)` — broadcasting view with zero strides; `-1` keeps a dimension.
    public func expand(_ shape: [Int]) throws -> Tensor {
        if shape == sizes { return self }
        guard shape.count >= rank else {
            throw TorchError.runtimeError("expand: the number of sizes provided (\(shape.count)) must be greater or equal to the number of dimensions in the tensor (\(rank))")
        }
        let lead = shape.count - rank
        var newStrides = [Int](repeating: 0, count: shape.count)
        var newShape = shape
        for i in 0..<shape.count {
            if i < lead {
                guard shape[i] >= 0 else { throw TorchError.runtimeError("The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension \(i)") }
                continue
            }
            let own = sizes[i - lead]
            if shape[i] == -1 || shape[i] == own {
                newShape[i] = own
                newStrides[i] = strides[i - lead]
            } else if own == 1 {
                newStrides[i] = 0
            } else {
                throw TorchError.runtimeError("The expanded size of the tensor (\(shape[i])) must match the existing size (\(own)) at non-singleton dimension \(i).  Target sizes: \(Tensor.pythonShape(shape)).  Tensor sizes: \(Tensor.pythonShape(sizes))")
            }
        }
        return recordView("ExpandBackward0", makeView(shape: newShape, strides: newStrides, offset: storageOffset)) {
            try $0.sumTo(self.sizes)
        }
    }

    /// torch: `flatten(start_dim, end_dim)`.
    public func flatten(startDim: Int = 0, endDim: Int = -1) throws -> Tensor {
        if rank == 0 { return try reshape([1]) }
        let s = try normalizeDim(startDim), e = try normalizeDim(endDim)
        guard s <= e else { throw TorchError.runtimeError("flatten() has invalid args: start_dim cannot come after end_dim") }
        let merged = sizes[s...e].reduce(1, *)
        return try reshape(Array(sizes[..<s]) + [merged] + Array(sizes[(e + 1)...]))
    }

    /// torch: `t[i]` on the first dimension.
    public subscript(index: Int) -> Tensor {
        get throws { try select(0, index) }
    }
}
