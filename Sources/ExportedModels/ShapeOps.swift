import NNModules

/// Views and reshapes, splitting and joining, and tensor factories.
extension ATenOps {
    static let shapeOps: [String: Kernel] = [
        "aten.view.default": one { a in try reshaped(try a.tensor("self"), try a.ints("size")) },
        "aten._unsafe_view.default": one { a in try reshaped(try a.tensor("self"), try a.ints("size")) },
        "aten.reshape.default": one { a in try a.tensor("self").reshape(try a.ints("shape")) },
        "aten.flatten.using_ints": one { a in
            try a.tensor("self").flatten(startDim: try a.int("start_dim", default: 0), endDim: try a.int("end_dim", default: -1))
        },
        "aten.permute.default": one { a in try a.tensor("self").permute(try a.ints("dims")) },
        "aten.transpose.int": one { a in try a.tensor("self").transpose(try a.int("dim0"), try a.int("dim1")) },
        "aten.t.default": one { a in try a.tensor("self").t() },
        "aten.unsqueeze.default": one { a in try a.tensor("self").unsqueeze(try a.int("dim")) },
        "aten.squeeze.dim": one { a in try a.tensor("self").squeeze(try a.int("dim")) },
        "aten.expand.default": one { a in
            let x = try a.tensor("self")
            let sizes = try a.ints("size")
            let lead = sizes.count - x.rank
            // -1 keeps the input's size, which `expand` reads as a literal size.
            return try x.expand(sizes.enumerated().map { index, size in size == -1 && index >= lead ? x.sizes[index - lead] : size })
        },
        "aten.slice.Tensor": one { a in
            let x = try a.tensor("self")
            let axis = try x.normalizeDim(try a.int("dim", default: 0))
            let size = x.sizes[axis]
            func clamp(_ index: Int) -> Int { min(max(index < 0 ? index + size : index, 0), size) }
            let start = clamp(try a.optionalInt("start") ?? 0)
            let end = max(start, clamp(try a.optionalInt("end") ?? size))
            return try x.slice(axis, start: start, end: end, step: try a.int("step", default: 1))
        },
        "aten.select.int": one { a in try a.tensor("self").select(try a.int("dim"), try a.int("index")) },
        "aten.split.Tensor": { a in try a.tensor("self").split(try a.int("split_size"), dim: try a.int("dim", default: 0)) },
        "aten.split_with_sizes.default": { a in
            let x = try a.tensor("self")
            let axis = try x.normalizeDim(try a.int("dim", default: 0))
            var start = 0
            return try a.ints("split_sizes").map { length in
                defer { start += length }
                return try x.narrow(axis, start: start, length: length)
            }
        },
        "aten.chunk.default": { a in try a.tensor("self").chunk(try a.int("chunks"), dim: try a.int("dim", default: 0)) },
        "aten.cat.default": one { a in
            try Tensor.cat(try a.tensors("tensors").compactMap { $0 }, dim: try a.int("dim", default: 0))
        },
        "aten.stack.default": one { a in
            try Tensor.stack(try a.tensors("tensors").compactMap { $0 }, dim: try a.int("dim", default: 0))
        },
        "aten.arange.default": one { a in try arange(a, start: 0, end: try a.int("end")) },
        "aten.arange.start": one { a in try arange(a, start: try a.int("start"), end: try a.int("end")) },
        "aten.new_ones.default": one { a in
            Tensor.ones(try a.ints("size"), dtype: try a.dtype("dtype") ?? a.tensor("self").dtype)
        },
        "aten.new_zeros.default": one { a in
            Tensor.zeros(try a.ints("size"), dtype: try a.dtype("dtype") ?? a.tensor("self").dtype)
        },
        "aten.ones.default": one { a in Tensor.ones(try a.ints("size"), dtype: try a.dtype("dtype") ?? .float32) },
        "aten.zeros.default": one { a in Tensor.zeros(try a.ints("size"), dtype: try a.dtype("dtype") ?? .float32) },
        "aten.full.default": one { a in
            Tensor.full(try a.ints("size"), try a.double("fill_value"), dtype: try a.dtype("dtype") ?? .float32)
        },
    ]

    /// `view` of a contiguous layout, or a copy when the strides do not allow one (`_unsafe_view` and
    /// decompositions count on `view` succeeding where PyTorch's would).
    static func reshaped(_ x: Tensor, _ sizes: [Int]) throws -> Tensor {
        x.isContiguous ? try x.view(sizes) : try x.reshape(sizes)
    }

    static func arange(_ a: OpArguments, start: Int, end: Int) throws -> Tensor {
        let dtype = try a.dtype("dtype") ?? .int64
        guard try a.int("step", default: 1) == 1 else { throw a.unsupported("a step other than 1") }
        return try Tensor.arange(start, max(start, end), dtype: .int64).to(dtype: dtype)
    }
}
