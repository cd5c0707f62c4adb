import NNModules

/// Symbolic integers of graphs exported with dynamic dimensions: sizes read at run time and Python's integer
/// arithmetic on them, held as 0-d int64 tensors; runtime assertions on them.
extension ATenOps {
    static let symbolicOps: [String: Kernel] = {
        var table: [String: Kernel] = [
            "aten.sym_size.int": one { a in
                let x = try a.tensor("self")
                return Tensor(scalar: x.sizes[try x.normalizeDim(try a.int("dim"))])
            },
            "aten.sym_numel.default": one { a in Tensor(scalar: try a.tensor("self").count) },
            "aten.sym_stride.int": one { a in
                let x = try a.tensor("self")
                return Tensor(scalar: x.strides[try x.normalizeDim(try a.int("dim"))])
            },
            "aten._assert_scalar.default": { a in
                guard try a.int("self") != 0 else { throw a.invalid(try a.string("assert_msg", default: "assertion failed")) }
                return []
            },
        ]
        let integerArithmetic: [(String, @Sendable (Int, Int) -> Int?)] = [
            ("add", { $0 + $1 }), ("sub", { $0 - $1 }), ("mul", { $0 * $1 }),
            ("floordiv", { $1 == 0 ? nil : Int((Double($0) / Double($1)).rounded(.down)) }),
            ("mod", { $1 == 0 ? nil : (($0 % $1) + $1) % $1 }),
        ]
        for (name, combine) in integerArithmetic {
            table["_operator.\(name)"] = one { a in
                guard a.items.count == 2 else { throw a.invalid("expects two integers") }
                let (x, y) = (try a.int(at: 0), try a.int(at: 1))
                guard let result = combine(x, y) else { throw a.invalid("integer division by zero") }
                return Tensor(scalar: result)
            }
        }
        return table
    }()

    /// Kernels computed element by element outside autograd: a training step through them is refused.
    static let withoutDerivative: Set<String> = ["aten.index.Tensor", "aten.where.self", "aten.cumsum.default"]
}
