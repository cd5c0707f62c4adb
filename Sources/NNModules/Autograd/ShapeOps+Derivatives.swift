/// The derivative of cat: each input gets its own slice of the gradient along the joined dimension (stack,
/// split and chunk are made of cat, unsqueeze and narrow, which record their own nodes).
extension Derivatives {
    static func cat(_ g: Tensor, _ tensors: [Tensor], dim d: Int) throws -> [Tensor?] {
        var start = 0
        return try tensors.map { t in
            defer { start += t.sizes[d] }
            return try g.narrow(d, start: start, length: t.sizes[d]).contiguous()
        }
    }
}
