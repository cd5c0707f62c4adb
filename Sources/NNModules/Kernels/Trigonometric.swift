/// torch.cos / torch.sin, elementwise (rotary position embeddings); integer tensors give the default float dtype.
extension Tensor {
    public func cos() throws -> Tensor { try unary(.cos, dtype: floatResult) }
    public func sin() throws -> Tensor { try unary(.sin, dtype: floatResult) }
}
