import NNModules

/// The ATen ops an exported graph may call, by `namespace.name.overload`, on nntop's public ops: the
/// training IR's composite ops (`aten.conv2d`, `aten.linear`, `aten.scaled_dot_product_attention`...) and
/// the core ATen set `run_decompositions()` leaves (`aten.convolution`, `aten.addmm`, `aten.native_group_norm`...).
/// Families live in their own files; this table is the one place an op name meets its kernel.
enum ATenOps {
    typealias Kernel = @Sendable (OpArguments) throws -> [Tensor]

    static let kernels: [String: Kernel] = {
        var table: [String: Kernel] = [:]
        for family in [layerOps, pointwiseOps, shapeOps, indexingOps, symbolicOps, moreOps] {
            table.merge(family) { first, _ in first }
        }
        for (name, overload) in inPlaceOps {
            guard let outOfPlace = table["aten.\(name).\(overload)"] else { continue }
            table["aten.\(name)_.\(overload)"] = inPlace(outOfPlace)
        }
        return table
    }()

    /// In-place variants the training IR keeps (torchvision's `ReLU(inplace=True)`, residual `add_`).
    static let inPlaceOps: [(String, String)] = [
        ("relu", "default"), ("silu", "default"), ("gelu", "default"), ("hardtanh", "default"), ("sigmoid", "default"),
        ("tanh", "default"), ("clamp", "default"), ("add", "Tensor"), ("sub", "Tensor"), ("mul", "Tensor"),
        ("div", "Tensor"), ("add", "Scalar"), ("mul", "Scalar"), ("masked_fill", "Scalar"),
    ]

    /// `self.op_(...)`: the out-of-place result written into `self`, which is returned, so later readers of
    /// either name see the new values.
    static func inPlace(_ outOfPlace: @escaping Kernel) -> Kernel {
        { a in
            let target = try a.tensor("self")
            guard let result = try outOfPlace(a).first else { throw a.invalid("no result to write in place") }
            return [try target.copy_(result)]
        }
    }

    /// One tensor out.
    static func one(_ body: @escaping @Sendable (OpArguments) throws -> Tensor) -> Kernel {
        { arguments in [try body(arguments)] }
    }
}
