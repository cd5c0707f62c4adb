/// The derivatives of the matrix products in `Functional/LinearOps.swift`.
extension Derivatives {
    /// `a @ b` with broadcast batch dimensions.
    public static func matmul(_ g: Tensor, _ a: Tensor, _ b: Tensor) throws -> (Tensor, Tensor) {
        let a2 = a.rank == 1 ? try a.unsqueeze(0) : a
        let b2 = b.rank == 1 ? try b.unsqueeze(1) : b
        var g2 = g
        if a.rank == 1 { g2 = try g2.unsqueeze(-2) }
        if b.rank == 1 { g2 = try g2.unsqueeze(-1) }
        let ga = try g2.matmul(try b2.transpose(-1, -2)).sumTo(a2.sizes)
        let gb = try a2.transpose(-1, -2).matmul(g2).sumTo(b2.sizes)
        return (try ga.reshape(a.sizes), try gb.reshape(b.sizes))
    }

    /// linear over the input folded to 2-D (`rows`): the gradients of (bias,) rows and `weight.t()`.
    static func linear(_ g: Tensor, rows: Tensor, weight: Tensor, bias: Tensor?) throws -> [Tensor?] {
        let gx = try g.matmul(weight)
        // Computed as gW = gᵀ·x in the weight's own [out, in] layout and handed on transposed, so the
        // `weight.t()` node gives AccumulateGrad a contiguous gradient (PyTorch's mm backward does the same).
        let gwT = try g.t().matmul(rows).t()
        if let bias { return [try g.sumTo(bias.sizes), gx, gwT] }
        return [gx, gwT]
    }

    /// addmm(input, mat1, mat2): the gradients of input, mat1 and mat2.
    static func addmm(_ g: Tensor, _ input: Tensor, _ mat1: Tensor, _ mat2: Tensor) throws -> [Tensor?] {
        [try g.sumTo(input.sizes), try g.matmul(try mat2.t()), try mat1.t().matmul(g)]
    }
}
