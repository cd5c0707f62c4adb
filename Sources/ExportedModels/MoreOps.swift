import NNModules

/// Ops that torchvision's and transformers' exports use besides the goldens' (rotary embeddings, masks,
/// clamps, `*_like` factories).
extension ATenOps {
    static let moreOps: [String: Kernel] = [
        "aten.sin.default": one { a in try a.tensor("self").sin() },
        "aten.cos.default": one { a in try a.tensor("self").cos() },
        "aten.erf.default": one { a in try a.tensor("self").erf() },
        "aten.abs.default": one { a in try a.tensor("self").abs() },
        "aten.log.default": one { a in try a.tensor("self").log() },
        "aten.rsub.Scalar": one { a in
            let x = try a.tensor("self")
            return try (x * -(try a.double("alpha", default: 1))) + (try a.double("other"))
        },
        "aten.triu.default": one { a in try a.tensor("self").triu(diagonal: try a.int("diagonal", default: 0)) },
        "aten.tril.default": one { a in try a.tensor("self").tril(diagonal: try a.int("diagonal", default: 0)) },
        "aten.maximum.default": one { a in try a.tensor("self").maximum(try a.tensor("other")) },
        "aten.minimum.default": one { a in try a.tensor("self").minimum(try a.tensor("other")) },
        "aten.clamp.default": one { a in
            var x = try a.tensor("self")
            if let low = try a.optionalDouble("min") { x = try x.maximum(Tensor(scalar: low, dtype: x.dtype)) }
            if let high = try a.optionalDouble("max") { x = try x.minimum(Tensor(scalar: high, dtype: x.dtype)) }
            return x
        },
        "aten.mean.default": one { a in try a.tensor("self").mean() },
        "aten.sum.default": one { a in try a.tensor("self").sum() },
        "aten.scalar_tensor.default": one { a in
            Tensor(scalar: try a.double("s"), dtype: try a.dtype("dtype") ?? .float32)
        },
        "aten.full_like.default": one { a in
            let x = try a.tensor("self")
            return Tensor.full(x.sizes, try a.double("fill_value"), dtype: try a.dtype("dtype") ?? x.dtype)
        },
        "aten.ones_like.default": one { a in
            let x = try a.tensor("self")
            return Tensor.ones(x.sizes, dtype: try a.dtype("dtype") ?? x.dtype)
        },
        "aten.zeros_like.default": one { a in
            let x = try a.tensor("self")
            return Tensor.zeros(x.sizes, dtype: try a.dtype("dtype") ?? x.dtype)
        },
        "aten.masked_fill.Tensor": one { a in
            try a.tensor("self").maskedFill(try a.tensor("mask"), try a.tensor("value").item())
        },
        "aten.max_pool2d_with_indices.default": { a in
            let kernel = try pair(a, "kernel_size", 1)
            let pool = MaxPool2d(
                kernelSize: .tuple(kernel), stride: .tuple(try a.has("stride") ? pair(a, "stride", 1) : kernel),
                padding: .tuple(try pair(a, "padding", 0)), dilation: .tuple(try pair(a, "dilation", 1)), returnIndices: true,
                ceilMode: try a.bool("ceil_mode", default: false))
            guard case .tuple(let outputs) = try pool.forward([.tensor(try a.tensor("self"))], kwargs: [:]) else {
                throw a.invalid("max pooling returned no (values, indices) pair")
            }
            return outputs.compactMap(\.tensor)
        },
        "aten.bitwise_not.default": one { a in
            let x = try a.tensor("self")
            return try pointwise(x, x, dtype: x.dtype) { value, _ in x.dtype == .bool ? (value == 0 ? 1 : 0) : Double(~Int(value)) }
        },
        "aten.detach.default": one { a in try a.tensor("self").detach() },
        "aten.lift_fresh_copy.default": one { a in try a.tensor("self").clone() },
        "aten.type_as.default": one { a in try a.tensor("self").to(dtype: try a.tensor("other").dtype) },
        "aten.unbind.int": { a in
            let x = try a.tensor("self")
            let axis = try x.normalizeDim(try a.int("dim", default: 0))
            return try (0..<x.sizes[axis]).map { try x.select(axis, $0) }
        },
        "aten.squeeze.default": one { a in
            let x = try a.tensor("self")
            return try x.reshape(x.sizes.filter { $0 != 1 })
        },
        "aten.amax.default": one { a in
            try a.tensor("self").amax(dims: try a.ints("dim", default: []), keepdim: try a.bool("keepdim", default: false))
        },
        "aten.argmax.default": one { a in
            try a.tensor("self").argmax(dim: try a.optionalInt("dim"), keepdim: try a.bool("keepdim", default: false))
        },
        "aten.any.dim": one { a in
            let x = try a.tensor("self")
            let nonzero = try pointwise(x, x, dtype: .float32) { value, _ in value != 0 ? 1 : 0 }
            return try nonzero.amax(dims: [try a.int("dim")], keepdim: try a.bool("keepdim", default: false)).to(dtype: .bool)
        },
        "aten.div.Tensor_mode": one { a in
            let (x, y) = (try a.tensor("self"), try operandTensor(a, "other"))
            let mode = try a.string("rounding_mode", default: "")
            // Rounded division of integers stays integer; true division, or a float divisor, gives floats.
            let dtype: DType = x.dtype.isFloatingPoint ? x.dtype : (y.dtype.isFloatingPoint || mode.isEmpty ? .float32 : x.dtype)
            return try pointwise(x, y, dtype: dtype) { value, divisor in
                let quotient = value / divisor
                switch mode {
                case "trunc": return quotient.rounded(.towardZero)
                case "floor": return quotient.rounded(.down)
                default: return quotient
                }
            }
        },
        "aten.index_select.default": one { a in
            let x = try a.tensor("self")
            let axis = try x.normalizeDim(try a.int("dim"))
            let positions = try a.tensor("index").toDoubles().map(Int.init)
            return try Tensor.cat(try positions.map { try x.narrow(axis, start: $0 < 0 ? $0 + x.sizes[axis] : $0, length: 1) }, dim: axis)
        },
    ]
}
