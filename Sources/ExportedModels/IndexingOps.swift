import NNModules

/// Advanced indexing, `diff`, `where`, masking and the `getitem` of multiple-output nodes.
extension ATenOps {
    static let indexingOps: [String: Kernel] = [
        "aten.index.Tensor": one(advancedIndex),
        "aten.diff.default": one { a in
            guard try a.int("n", default: 1) == 1 else { throw a.unsupported("diff with n > 1") }
            let dim = try a.int("dim", default: -1)
            var parts = [try a.tensor("self")]
            if let prepend = try a.optionalTensor("prepend") { parts.insert(prepend, at: 0) }
            if let append = try a.optionalTensor("append") { parts.append(append) }
            let x = parts.count == 1 ? parts[0] : try Tensor.cat(parts, dim: dim)
            let axis = try x.normalizeDim(dim)
            let length = x.sizes[axis]
            let later = try x.slice(axis, start: 1, end: length), earlier = try x.slice(axis, start: 0, end: length - 1)
            if x.dtype == .bool { return try pointwise(later, earlier, dtype: .bool) { $0 != $1 ? 1 : 0 } }
            return x.dtype.isFloatingPoint ? try later - earlier : try pointwise(later, earlier, dtype: x.dtype) { $0 - $1 }
        },
        "aten.where.self": one { a in
            let condition = try a.tensor("condition")
            let (x, y) = (try a.tensor("self"), try a.tensor("other"))
            let shape = try broadcast(try broadcast(condition.sizes, x.sizes), y.sizes)
            let keep = try condition.expand(shape).toDoubles()
            let first = try x.expand(shape).toDoubles(), second = try y.expand(shape).toDoubles()
            let dtype = x.dtype.isFloatingPoint ? x.dtype : y.dtype
            return Tensor(keep.indices.map { keep[$0] != 0 ? first[$0] : second[$0] }, shape: shape, dtype: dtype)
        },
        "aten.masked_fill.Scalar": one { a in try a.tensor("self").maskedFill(try a.tensor("mask"), try a.double("value")) },
        "_operator.getitem": one { a in
            guard a.items.count == 2, case .tensors(let tensors) = a.items[0], case .constant(.int(let index)) = a.items[1],
                tensors.indices.contains(index)
            else { throw a.invalid("getitem of something that is not (tensors, index)") }
            return tensors[index]
        },
    ]

    /// `self[..., i₁, i₂, ...]` with integer index tensors on consecutive axes (`None` before them keeps
    /// those axes whole): the indexed axes are replaced by the broadcast shape of the indices.
    static func advancedIndex(_ a: OpArguments) throws -> Tensor {
        let x = try a.tensor("self")
        let indices = try a.tensors("indices")
        guard let first = indices.firstIndex(where: { $0 != nil }) else { return x }
        let used = indices[first...].prefix { $0 != nil }.compactMap { $0 }
        guard first + used.count == indices.count || indices[(first + used.count)...].allSatisfy({ $0 == nil }) else {
            throw a.unsupported("index tensors on non-consecutive axes")
        }
        guard used.allSatisfy({ !$0.dtype.isFloatingPoint && $0.dtype != .bool }) else {
            throw a.unsupported("boolean or floating-point index tensors")
        }
        var indexShape: [Int] = []
        for index in used { indexShape = try broadcast(indexShape, index.sizes) }
        let positions = try used.map { try $0.expand(indexShape).toDoubles().map(Int.init) }
        let axes = first..<first + used.count
        let outer = x.sizes[..<first].reduce(1, *), inner = x.sizes[axes.upperBound...].reduce(1, *)
        let strides = Tensor.contiguousStrides(for: x.sizes)
        let values = try x.toDoubles()
        let count = indexShape.reduce(1, *)
        var result: [Double] = []
        result.reserveCapacity(outer * count * inner)
        for o in 0..<outer {
            let base = first == 0 ? 0 : o * strides[first - 1]
            for k in 0..<count {
                var offset = base
                for (axis, position) in zip(axes, positions) {
                    let size = x.sizes[axis]
                    let index = position[k] < 0 ? position[k] + size : position[k]
                    guard index >= 0, index < size else {
                        throw a.invalid("index \(position[k]) is out of bounds for axis \(axis) of size \(size)")
                    }
                    offset += index * strides[axis]
                }
                result.append(contentsOf: values[offset..<offset + inner])
            }
        }
        return Tensor(result, shape: Array(x.sizes[..<first]) + indexShape + Array(x.sizes[axes.upperBound...]), dtype: x.dtype)
    }
}
