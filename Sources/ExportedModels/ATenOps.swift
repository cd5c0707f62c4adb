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
        return table
    }()

    /// One tensor out.
    static func one(_ body: @escaping @Sendable (OpArguments) throws -> Tensor) -> Kernel {
        { arguments in [try body(arguments)] }
    }
}
