import Foundation
import NNModules

/// Arithmetic, activations, comparisons, logic, reductions and dtype conversions.
extension ATenOps {
    static let pointwiseOps: [String: Kernel] = {
        var table: [String: Kernel] = [
            "aten.pow.Tensor_Scalar": one { a in try a.tensor("self").pow(try a.double("exponent")) },
            "aten.tanh.default": one { a in try a.tensor("self").tanh() },
            "aten.sigmoid.default": one { a in try a.tensor("self").sigmoid() },
            "aten.silu.default": one { a in try a.tensor("self").silu() },
            "aten.relu.default": one { a in try a.tensor("self").relu() },
            "aten.gelu.default": one { a in try a.tensor("self").gelu(approximate: try a.string("approximate", default: "none")) },
            "aten.exp.default": one { a in try a.tensor("self").exp() },
            "aten.sqrt.default": one { a in try a.tensor("self").sqrt() },
            "aten.rsqrt.default": one { a in try a.tensor("self").rsqrt() },
            "aten.neg.default": one { a in try a.tensor("self") * -1.0 },
            "aten.hardtanh.default": one { a in
                let (low, high) = (try a.double("min_val", default: -1), try a.double("max_val", default: 1))
                let x = try a.tensor("self")
                return try x.maximum(Tensor(scalar: low, dtype: x.dtype)).minimum(Tensor(scalar: high, dtype: x.dtype))
            },
            "aten.mean.dim": one { a in
                try a.tensor("self").mean(dims: try a.ints("dim"), keepdim: try a.bool("keepdim", default: false))
            },
            "aten.sum.dim_IntList": one { a in
                try a.tensor("self").sum(dims: try a.ints("dim"), keepdim: try a.bool("keepdim", default: false))
            },
            "aten.cumsum.default": one { a in try cumulativeSum(try a.tensor("self"), dim: try a.int("dim"), dtype: try a.dtype("dtype")) },
            "aten.alias.default": one { a in try a.tensor("self") },
            "aten.clone.default": one { a in try a.tensor("self").clone() },
            "aten.contiguous.default": one { a in try a.tensor("self").contiguous() },
            "aten._to_copy.default": one { a in try converted(a) },
            "aten.to.dtype": one { a in try converted(a) },
            "aten.to.dtype_layout": one { a in try converted(a) },
            "aten._assert_tensor_metadata.default": { a in
                let tensor = try a.tensor("a")
                if let dtype = try a.dtype("dtype"), dtype != tensor.dtype {
                    throw a.invalid("the graph asserts \(dtype.rawValue), the value is \(tensor.dtype.rawValue)")
                }
                return []
            },
            "aten.logical_not.default": one { a in
                let x = try a.tensor("self")
                return try pointwise(x, x, dtype: .bool) { value, _ in value == 0 ? 1 : 0 }
            },
        ]
        let arithmetic: [(String, Arithmetic)] = [
            ("add", Arithmetic(values: { $0 + $1 }, tensors: { try $0 + $1 }, scalar: { try $0 + $1 })),
            ("sub", Arithmetic(values: { $0 - $1 }, tensors: { try $0 - $1 }, scalar: { try $0 - $1 })),
            ("mul", Arithmetic(values: { $0 * $1 }, tensors: { try $0 * $1 }, scalar: { try $0 * $1 })),
            ("div", Arithmetic(values: { $0 / $1 }, tensors: { try $0 / $1 }, scalar: { try $0 / $1 })),
        ]
        for (name, operation) in arithmetic {
            let kernel = one { a in try ATenOps.arithmetic(a, operation) }
            table["aten.\(name).Tensor"] = kernel
            table["aten.\(name).Scalar"] = kernel
        }
        let comparisons: [(String, @Sendable (Double, Double) -> Bool)] = [
            ("eq", { $0 == $1 }), ("ne", { $0 != $1 }), ("le", { $0 <= $1 }), ("lt", { $0 < $1 }), ("ge", { $0 >= $1 }),
            ("gt", { $0 > $1 }),
        ]
        for (name, compare) in comparisons {
            let kernel = one { a in
                try pointwise(try a.tensor("self"), try operandTensor(a, "other"), dtype: .bool) { compare($0, $1) ? 1 : 0 }
            }
            table["aten.\(name).Tensor"] = kernel
            table["aten.\(name).Scalar"] = kernel
        }
        let logic: [(String, @Sendable (Bool, Bool) -> Bool)] = [("__and__", { $0 && $1 }), ("bitwise_and", { $0 && $1 }),
                                                        ("logical_and", { $0 && $1 }), ("__or__", { $0 || $1 }),
                                                        ("bitwise_or", { $0 || $1 }), ("logical_or", { $0 || $1 })]
        for (name, combine) in logic {
            table["aten.\(name).Tensor"] = one { a in
                let (x, y) = (try a.tensor("self"), try a.tensor("other"))
                guard x.dtype == .bool && y.dtype == .bool || name.hasPrefix("logical") else {
                    throw a.unsupported("bitwise logic on \(x.dtype.rawValue)")
                }
                return try pointwise(x, y, dtype: .bool) { combine($0 != 0, $1 != 0) ? 1 : 0 }
            }
        }
        return table
    }()

    /// One arithmetic op on element values, on two floating tensors, and on a floating tensor and a number.
    struct Arithmetic: Sendable {
        let values: @Sendable (Double, Double) -> Double
        let tensors: @Sendable (Tensor, Tensor) throws -> Tensor
        let scalar: @Sendable (Tensor, Double) throws -> Tensor
    }

    /// `self ∘ other·alpha` for a tensor or scalar `other`: floating results use nntop's kernels (a number
    /// goes straight to the scalar kernel), integer and boolean ones (position ids, masks) are computed
    /// elementwise.
    static func arithmetic(_ a: OpArguments, _ operation: Arithmetic) throws -> Tensor {
        let x = try a.tensor("self")
        let alpha = try a.double("alpha", default: 1)
        if x.dtype.isFloatingPoint {
            switch try a.operand("other") {
            case .int(let int): return try operation.scalar(x, Double(int) * alpha)
            case .double(let double): return try operation.scalar(x, double * alpha)
            case .tensor: break
            }
        }
        var y = try operandTensor(a, "other")
        if alpha != 1 { y = try pointwise(y, y, dtype: y.dtype.isFloatingPoint ? y.dtype : .float32) { value, _ in value * alpha } }
        if x.dtype.isFloatingPoint || y.dtype.isFloatingPoint && y.rank > 0 {
            let (left, right) = x.dtype.isFloatingPoint ? (x, try y.to(dtype: y.rank == 0 ? x.dtype : y.dtype)) : (try x.to(dtype: y.dtype), y)
            return try operation.tensors(left, right)
        }
        let dtype: DType = y.dtype.isFloatingPoint ? .float32 : x.dtype
        return try pointwise(x, y, dtype: dtype, operation.values)
    }

    /// A `Scalar` or tensor argument as a tensor (a scalar becomes 0-d: int64 or float64, like Python numbers).
    static func operandTensor(_ a: OpArguments, _ name: String) throws -> Tensor {
        switch try a.operand(name) {
        case .tensor(let tensor): return tensor
        case .int(let int): return Tensor(scalar: int)
        case .double(let double): return Tensor(scalar: double, dtype: .float64)
        }
    }

    /// `f` over the broadcast of `x` and `y`, element by element: the path for small integer and boolean
    /// tensors (masks, position ids) that nntop's floating-point kernels do not cover.
    static func pointwise(_ x: Tensor, _ y: Tensor, dtype: DType, _ f: (Double, Double) -> Double) throws -> Tensor {
        let shape = try broadcast(x.sizes, y.sizes)
        let left = try x.expand(shape).toDoubles(), right = try y.expand(shape).toDoubles()
        return Tensor(zip(left, right).map(f), shape: shape, dtype: dtype)
    }

    static func broadcast(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let rank = max(a.count, b.count)
        let x = Array(repeating: 1, count: rank - a.count) + a, y = Array(repeating: 1, count: rank - b.count) + b
        return try zip(x, y).map { p, q in
            guard p == q || p == 1 || q == 1 else {
                throw ExportedModelError.invalid("shapes \(a) and \(b) cannot be broadcast")
            }
            return p == 1 ? q : p
        }
    }

    /// torch.cumsum; integer and boolean inputs sum to int64 like PyTorch.
    static func cumulativeSum(_ x: Tensor, dim: Int, dtype: DType?) throws -> Tensor {
        let axis = try x.normalizeDim(dim)
        let values = try x.toDoubles()
        let inner = x.sizes[(axis + 1)...].reduce(1, *)
        let length = x.rank == 0 ? 1 : x.sizes[axis]
        var sums = values
        for start in 0..<values.count where (start / inner) % max(length, 1) != 0 {
            sums[start] += sums[start - inner]
        }
        let outType = dtype ?? (x.dtype.isFloatingPoint ? x.dtype : .int64)
        return Tensor(sums, shape: x.sizes, dtype: outType)
    }

    /// `to`/`_to_copy`: only the dtype matters on the CPU.
    static func converted(_ a: OpArguments) throws -> Tensor {
        let x = try a.tensor("self")
        guard let dtype = try a.dtype("dtype") else { return x }
        return try x.to(dtype: dtype)
    }
}
