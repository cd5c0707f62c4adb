/// torch.pow(tensor, exponent) with a Python-float exponent (GPT-2's `pow(x, 3.0)`, RMSNorm's `pow(2)`);
/// integer tensors give the default float dtype.
extension Tensor {
    public func pow(_ exponent: Double) throws -> Tensor { try unary(.pow(exponent), dtype: floatResult) }
}
