/// torch.nn.functional activations as tensor methods (torch: relu, relu6, leaky_relu, gelu, silu,
/// hardswish, softmax, log_softmax); the activation modules call these.
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

    /// torch: `softmax(dim)`.
    public func softmax(dim: Int) throws -> Tensor {
        try softmaxFamily(dim: dim, log: false)
    }

    /// torch: `log_softmax(dim)`.
    public func logSoftmax(dim: Int) throws -> Tensor {
        try softmaxFamily(dim: dim, log: true)
    }

    private func softmaxFamily(dim: Int, log: Bool) throws -> Tensor {
        let out = try GradMode.noGrad { try softmaxValues(dim: dim, log: log) }
        let d = rank == 0 ? 0 : try normalizeDim(dim)
        let y = out.detach()
        Tensor.recordOperation(log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", inputs: [self], outputs: [out], saving: [out]) { grads in
            [try grads[0].map { try Derivatives.softmax($0, output: y, dim: d, log: log) }]
        }
        return out
    }
}
