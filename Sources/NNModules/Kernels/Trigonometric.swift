import Foundation

/// torch.cos / torch.sin, elementwise (rotary position embeddings); integer tensors give the default float dtype.
extension Tensor {
    public func cos() throws -> Tensor { try unary(dtype: floatResult) { Foundation.cos($0) } }
    public func sin() throws -> Tensor { try unary(dtype: floatResult) { Foundation.sin($0) } }
}
