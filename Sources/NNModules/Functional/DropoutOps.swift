/// torch.nn.functional.dropout: zeroes elements with probability `p` and scales the rest by 1/(1-p) when
/// training (seedable through the default generator); the identity otherwise. Its derivative multiplies the
/// gradient by the same mask.
extension Tensor {
    /// torch.nn.functional.dropout(input, p, training, inplace).
    public func dropout(p: Double = 0.5, training: Bool = true, inplace: Bool = false) throws -> Tensor {
        try Tensor.checkDropoutProbability(p)
        guard training, p > 0, !isMeta else { return self }
        let mask = Tensor.dropoutMask(sizes, p: p, dtype: dtype)
        let result = try GradMode.noGrad { try self * mask }
        Tensor.recordOperation("NativeDropoutBackward0", inputs: [self], outputs: [result]) { g in [try g[0].map { try $0 * mask }] }
        if inplace {
            try checkInPlace()
            try GradMode.noGrad { try copy_(result) }
            rebaseHistory(onto: result, adopt: true)
            return self
        }
        return result
    }

    static func checkDropoutProbability(_ p: Double) throws {
        guard p >= 0, p <= 1 else {
            throw TorchError.valueError("dropout probability has to be between 0 and 1, but got \(pythonFloat(p))")
        }
    }

    /// The scaled keep mask: 1/(1−p) with probability 1−p, else 0, drawn from the default generator one
    /// element at a time (RNN layers draw theirs the same way).
    static func dropoutMask(_ shape: [Int], p: Double, dtype: DType) -> Tensor {
        let keep = 1 - p
        let scale = DefaultGenerator.withGenerator { gen in
            (0..<shape.reduce(1, *)).map { _ in Double(gen.uniformFloat(0, 1)) < keep ? 1 / keep : 0 }
        }
        return Tensor(scale, shape: shape, dtype: dtype)
    }
}
