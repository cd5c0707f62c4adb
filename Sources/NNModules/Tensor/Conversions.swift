/// dtype and device moves and copies (torch: to, type, float/double/half/bfloat16, clone, contiguous, copy_).
/// Like PyTorch, a move that changes nothing returns `self`.
extension Tensor {
    /// torch: `to(dtype)`.
    public func to(dtype: DType) throws -> Tensor {
        try checkInitialized("to")
        if dtype == self.dtype { return self }
        let out = try castedCopy(dtype: dtype, device: device)
        let original = self.dtype
        if dtype.isFloatingPoint {
            Tensor.recordOperation("ToCopyBackward0", inputs: [self], outputs: [out]) { grads in [try grads[0].map { try $0.to(dtype: original) }] }
        }
        return out
    }

    /// torch: `to(device)`. Copying out of a meta tensor is impossible; moving to meta drops the data.
    public func to(device: Device) throws -> Tensor {
        if device == self.device { return self }
        if self.device == .meta {
            throw TorchError.notImplementedError("Cannot copy out of meta tensor; no data! Please use torch.nn.Module.to_empty() instead of torch.nn.Module.to() when moving module from meta to a different device.")
        }
        return Tensor(storage: nil, shape: sizes, dtype: dtype, device: .meta)
    }

    public func to(device: Device? = nil, dtype: DType? = nil) throws -> Tensor {
        var result: Tensor = self
        if let device { result = try result.to(device: device) }
        if let dtype { result = try result.to(dtype: dtype) }
        return result
    }

    /// torch: `type(dtype)`.
    public func type(_ dtype: DType) throws -> Tensor { try to(dtype: dtype) }
    public func float() throws -> Tensor { try to(dtype: .float32) }
    public func double() throws -> Tensor { try to(dtype: .float64) }
    public func half() throws -> Tensor { try to(dtype: .float16) }
    public func bfloat16() throws -> Tensor { try to(dtype: .bfloat16) }
    public func cpu() throws -> Tensor { try to(device: .cpu) }

    /// torch: `clone()` — a contiguous copy with the same dtype and device.
    public func clone() throws -> Tensor {
        try checkInitialized("clone")
        let out = try castedCopy(dtype: dtype, device: device)
        Tensor.recordOperation("CloneBackward0", inputs: [self], outputs: [out]) { $0 }
        return out
    }

    /// torch: `contiguous()` — self when already row-major contiguous.
    public func contiguous() throws -> Tensor {
        isContiguous ? self : try clone()
    }

    func castedCopy(dtype: DType, device: Device) throws -> Tensor {
        let out = Tensor.empty(sizes, dtype: dtype, device: device)
        if device == .meta || self.device == .meta { return out }
        try Tensor.copyElements(from: self, to: out)
        return out
    }

    /// torch: `copy_(src)` with broadcasting of `src` to this shape and a cast to this dtype.
    @discardableResult
    public func copy_(_ source: Tensor) throws -> Self {
        try checkInitialized("copy_")
        let expanded = try GradMode.noGrad { try source.expand(sizes) }
        if device == .meta { return self }
        if source.device == .meta {
            throw TorchError.notImplementedError("Cannot copy out of meta tensor; no data!")
        }
        try checkInPlace(with: [source])
        let overlaps = source.storage === storage
        try GradMode.noGrad { try Tensor.copyElements(from: overlaps ? try expanded.clone() : expanded, to: self) }
        bumpVersion()
        rebaseHistory(onto: source)
        return self
    }
}
