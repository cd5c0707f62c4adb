/// torch.nn.functional activations as tensor methods (torch: relu, relu6, leaky_relu, gelu, silu,
/// hardswish); the activation modules call these.
extension Tensor {
    public func relu() throws -> Tensor { try unary(.relu) }
    public func relu6() throws -> Tensor { try unary(.relu6) }
    public func leakyRelu(negativeSlope: Double = 0.01) throws -> Tensor { try unary(.leakyRelu(negativeSlope)) }
    /// `approximate` is `"none"` (erf) or `"tanh"`.
    public func gelu(approximate: String = "none") throws -> Tensor {
        try unary(approximate == "tanh" ? .geluTanh : .gelu, dtype: floatResult)
    }
    public func silu() throws -> Tensor { try unary(.silu, dtype: floatResult) }
    public func hardswish() throws -> Tensor { try unary(.hardswish, dtype: floatResult) }
}
