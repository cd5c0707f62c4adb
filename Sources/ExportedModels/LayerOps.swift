import Foundation
import NNModules

/// Convolution, matrix products, normalization, pooling, embedding and attention.
extension ATenOps {
    static let layerOps: [String: Kernel] = [
        "aten.conv2d.default": one { a in
            try Tensor.conv2d(
                try a.tensor("input"), weight: try a.tensor("weight"), bias: try a.optionalTensor("bias"),
                stride: try pair(a, "stride", 1), padding: try pair(a, "padding", 0), dilation: try pair(a, "dilation", 1),
                groups: try a.int("groups", default: 1))
        },
        "aten.convolution.default": one { a in
            guard try !a.bool("transposed", default: false) else { throw a.unsupported("transposed convolution") }
            let input = try a.tensor("input")
            guard input.rank == 4 else { throw a.unsupported("\(input.rank - 2)-d convolution") }
            return try Tensor.conv2d(
                input, weight: try a.tensor("weight"), bias: try a.optionalTensor("bias"), stride: try pair(a, "stride", 1),
                padding: try pair(a, "padding", 0), dilation: try pair(a, "dilation", 1), groups: try a.int("groups", default: 1))
        },
        "aten.linear.default": one { a in
            try Tensor.linear(try a.tensor("input"), weight: try a.tensor("weight"), bias: try a.optionalTensor("bias"))
        },
        "aten.addmm.default": one { a in
            let (beta, alpha) = (try a.double("beta", default: 1), try a.double("alpha", default: 1))
            guard beta == 1, alpha == 1 else { throw a.unsupported("beta \(beta), alpha \(alpha)") }
            return try Tensor.addmm(try a.tensor("self"), try a.tensor("mat1"), try a.tensor("mat2"))
        },
        "aten.mm.default": one { a in try a.tensor("self").matmul(try a.tensor("mat2")) },
        "aten.bmm.default": one { a in try a.tensor("self").matmul(try a.tensor("mat2")) },
        "aten.matmul.default": one { a in try a.tensor("self").matmul(try a.tensor("other")) },
        "aten.group_norm.default": one { a in
            try Tensor.groupNorm(
                try a.tensor("input"), numGroups: try a.int("num_groups"), weight: try a.optionalTensor("weight"),
                bias: try a.optionalTensor("bias"), eps: try a.double("eps", default: 1e-5))
        },
        "aten.native_group_norm.default": { a in
            let input = try a.tensor("input")
            let (batch, groups, eps) = (try a.int("N"), try a.int("group"), try a.double("eps"))
            let output = try Tensor.groupNorm(
                input, numGroups: groups, weight: try a.optionalTensor("weight"), bias: try a.optionalTensor("bias"), eps: eps)
            let (mean, rstd) = try statistics(try input.reshape([batch, groups, -1]), dims: [2], eps: eps)
            return [output, try mean.reshape([batch, groups]), try rstd.reshape([batch, groups])]
        },
        "aten.layer_norm.default": one { a in
            try Tensor.layerNorm(
                try a.tensor("input"), normalizedShape: try a.ints("normalized_shape"), weight: try a.optionalTensor("weight"),
                bias: try a.optionalTensor("bias"), eps: try a.double("eps", default: 1e-5))
        },
        "aten.native_layer_norm.default": { a in
            let input = try a.tensor("input")
            let shape = try a.ints("normalized_shape")
            let eps = try a.double("eps")
            let output = try Tensor.layerNorm(
                input, normalizedShape: shape, weight: try a.optionalTensor("weight"), bias: try a.optionalTensor("bias"), eps: eps)
            let (mean, rstd) = try statistics(input, dims: Array(input.rank - shape.count..<input.rank), eps: eps)
            return [output, mean, rstd]
        },
        "aten.embedding.default": one { a in
            let padding = try a.int("padding_idx", default: -1)
            return try Tensor.embedding(try a.tensor("indices"), weight: try a.tensor("weight"), paddingIdx: padding < 0 ? nil : padding)
        },
        "aten.adaptive_avg_pool2d.default": one { a in
            try Tensor.adaptiveAvgPool2d(try a.tensor("self"), outputSize: try a.ints("output_size"))
        },
        "aten._adaptive_avg_pool2d.default": one { a in
            try Tensor.adaptiveAvgPool2d(try a.tensor("self"), outputSize: try a.ints("output_size"))
        },
        "aten.max_pool2d.default": one { a in
            let kernel = try pair(a, "kernel_size", 1)
            return try Tensor.maxPool2d(
                try a.tensor("self"), kernel: kernel, stride: try a.has("stride") ? pair(a, "stride", 1) : kernel,
                padding: try pair(a, "padding", 0), dilation: try pair(a, "dilation", 1), ceilMode: try a.bool("ceil_mode", default: false))
        },
        "aten.avg_pool2d.default": one { a in
            let kernel = try pair(a, "kernel_size", 1)
            return try Tensor.avgPool2d(
                try a.tensor("self"), kernel: kernel, stride: try a.has("stride") ? pair(a, "stride", 1) : kernel,
                padding: try pair(a, "padding", 0), ceilMode: try a.bool("ceil_mode", default: false),
                countIncludePad: try a.bool("count_include_pad", default: true), divisorOverride: try a.optionalInt("divisor_override"))
        },
        "aten.batch_norm.default": one { a in
            try Tensor.batchNorm(
                try a.tensor("input"), runningMean: try a.optionalTensor("running_mean"), runningVar: try a.optionalTensor("running_var"),
                weight: try a.optionalTensor("weight"), bias: try a.optionalTensor("bias"), training: try a.bool("training", default: false),
                momentum: try a.double("momentum", default: 0.1), eps: try a.double("eps", default: 1e-5))
        },
        "aten._native_batch_norm_legit_no_training.default": { a in
            let input = try a.tensor("input")
            let output = try Tensor.batchNorm(
                input, runningMean: try a.optionalTensor("running_mean"), runningVar: try a.optionalTensor("running_var"),
                weight: try a.optionalTensor("weight"), bias: try a.optionalTensor("bias"), training: false,
                momentum: try a.double("momentum", default: 0.1), eps: try a.double("eps", default: 1e-5))
            // The saved statistics are empty in inference, as in PyTorch.
            return [output, Tensor.zeros([0], dtype: input.dtype), Tensor.zeros([0], dtype: input.dtype)]
        },
        "aten.scaled_dot_product_attention.default": one(scaledDotProductAttention),
        "aten._softmax.default": one { a in try a.tensor("self").softmax(dim: try a.int("dim")) },
        "aten.softmax.int": one { a in try a.tensor("self").softmax(dim: try a.int("dim")) },
        "aten._log_softmax.default": one { a in try a.tensor("self").logSoftmax(dim: try a.int("dim")) },
        "aten.log_softmax.int": one { a in try a.tensor("self").logSoftmax(dim: try a.int("dim")) },
        "aten.dropout.default": one { a in
            guard try !a.bool("train", default: false) || a.double("p") == 0 else { throw a.unsupported("dropout while training") }
            return try a.tensor("input")
        },
    ]

    /// An `int[2]` argument (a single int means both).
    static func pair(_ a: OpArguments, _ name: String, _ fallback: Int) throws -> [Int] {
        let values = try a.ints(name, default: [fallback, fallback])
        switch values.count {
        case 1: return [values[0], values[0]]
        case 2: return values
        default: throw a.invalid("`\(name)` has \(values.count) values for a 2-d op")
        }
    }

    /// Mean and reciprocal standard deviation over `dims`, kept as size-1 axes (the extra outputs of the
    /// native normalization ops).
    static func statistics(_ input: Tensor, dims: [Int], eps: Double) throws -> (mean: Tensor, rstd: Tensor) {
        let mean = try input.mean(dims: dims, keepdim: true)
        let variance = try input.variance(dims: dims, correction: 0, keepdim: true)
        return (mean, try (try variance + eps).rsqrt())
    }

    /// `softmax(q·kᵀ·scale + mask)·v`; a boolean mask keeps the positions where it is true, `is_causal` keeps
    /// the lower triangle, and grouped-query attention repeats key/value heads.
    static func scaledDotProductAttention(_ a: OpArguments) throws -> Tensor {
        let query = try a.tensor("query")
        var key = try a.tensor("key")
        var value = try a.tensor("value")
        guard try a.double("dropout_p", default: 0) == 0 else { throw a.unsupported("attention dropout") }
        if query.rank == 4, key.rank == 4, query.sizes[1] != key.sizes[1] {
            guard try a.bool("enable_gqa", default: false), query.sizes[1] % key.sizes[1] == 0 else {
                throw a.invalid("query has \(query.sizes[1]) heads, key \(key.sizes[1])")
            }
            let repeats = query.sizes[1] / key.sizes[1]
            func repeated(_ t: Tensor) throws -> Tensor {
                try t.unsqueeze(2).expand([t.sizes[0], t.sizes[1], repeats, t.sizes[2], t.sizes[3]])
                    .reshape([t.sizes[0], t.sizes[1] * repeats, t.sizes[2], t.sizes[3]])
            }
            (key, value) = (try repeated(key), try repeated(value))
        }
        let depth = query.sizes.last ?? 1
        let scale = try a.optionalDouble("scale") ?? 1 / Double(depth).squareRoot()
        var scores = try query.matmul(try key.transpose(-2, -1)) * scale
        let (rows, columns) = (scores.sizes[scores.rank - 2], scores.sizes[scores.rank - 1])
        if try a.bool("is_causal", default: false) {
            let above = (0..<rows * columns).map { Double($0 % columns > $0 / columns ? 1 : 0) }
            scores = try scores.maskedFill(Tensor(above, shape: [rows, columns], dtype: .bool), -.infinity)
        }
        if let mask = try a.optionalTensor("attn_mask") {
            if mask.dtype == .bool {
                let blocked = try pointwise(mask, Tensor(scalar: 0, dtype: .bool), dtype: .bool) { x, _ in x == 0 ? 1 : 0 }
                scores = try scores.maskedFill(blocked, -.infinity)
            } else {
                scores = try scores + mask
            }
        }
        return try scores.softmax(dim: -1).matmul(value)
    }
}
