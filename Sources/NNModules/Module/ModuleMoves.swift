/// dtype and device moves of a whole module (torch `_apply` and its users). Parameters keep their object
/// identity (PyTorch assigns `param.data`), buffers are replaced, and lazy placeholders only change
/// dtype/device.
extension Module {
    /// torch: `_apply(fn, recurse=True)`.
    @discardableResult
    public func applyToTensors(recurse: Bool = true, _ fn: (Tensor) throws -> Tensor) throws -> Self {
        if recurse {
            for child in children() { try child.applyToTensors(fn) }
        }
        for (_, param) in _parameters {
            guard let param else { continue }
            let applied = try fn(param)
            if applied !== param { param.setData(applied) }
            if let grad = param.grad {
                let appliedGrad = try fn(grad)
                if appliedGrad !== grad { grad.setData(appliedGrad) }
            }
        }
        for (name, buffer) in _buffers {
            guard let buffer else { continue }
            _buffers[name] = .some(try fn(buffer))
        }
        return self
    }

    /// Applies a dtype/device change that lazy placeholders accept without a shape.
    private func move(_ t: Tensor, device: Device?, dtype: DType?) throws -> Tensor {
        if t.isLazy {
            if let dtype { t.dtype = dtype }
            if let device { t.device = device }
            return t
        }
        return try t.to(device: device, dtype: dtype)
    }

    /// torch: `to(device=None, dtype=None)`: floating point (and complex) tensors take the dtype, integer and
    /// bool buffers keep theirs; only floating point or complex dtypes are accepted.
    @discardableResult
    public func to(device: Device? = nil, dtype: DType? = nil) throws -> Self {
        if let dtype {
            guard dtype.isFloatingPoint || dtype.isComplex else {
                throw TorchError.typeError("nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=\(dtype.torchName)")
            }
            if dtype.isComplex {
                Warnings.warn("Complex modules are a new feature under active development whose design may change, and some modules might not work as expected when using complex tensors as parameters or buffers. Please file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml if a complex module does not work as expected.")
            }
        }
        return try applyToTensors { t in
            let castable = t.dtype.isFloatingPoint || t.dtype.isComplex
            return try move(t, device: device, dtype: castable ? dtype : nil)
        }
    }

    /// torch: `to("meta")`, `to("cpu")`, `to("cuda")` by name.
    @discardableResult
    public func to(_ device: String) throws -> Self { try to(device: Device(parsing: device)) }

    /// torch: `type(dst_type)` — casts every parameter and buffer, integer and bool ones included.
    @discardableResult
    public func type(_ dtype: DType) throws -> Self {
        try applyToTensors { try move($0, device: nil, dtype: dtype) }
    }

    private func castFloating(_ dtype: DType) throws -> Self {
        try applyToTensors { $0.dtype.isFloatingPoint ? try move($0, device: nil, dtype: dtype) : $0 }
    }

    /// torch: `float()`.
    @discardableResult public func float() throws -> Self { try castFloating(.float32) }
    /// torch: `double()`.
    @discardableResult public func double() throws -> Self { try castFloating(.float64) }
    /// torch: `half()`.
    @discardableResult public func half() throws -> Self { try castFloating(.float16) }
    /// torch: `bfloat16()`.
    @discardableResult public func bfloat16() throws -> Self { try castFloating(.bfloat16) }

    /// torch: `cpu()`.
    @discardableResult public func cpu() throws -> Self { try to(device: .cpu) }

    /// torch: `cuda()`; this build has no accelerator backend and answers like a CPU-only PyTorch.
    @discardableResult public func cuda() throws -> Self { try to("cuda") }
    /// torch: `ipu()`.
    @discardableResult public func ipu() throws -> Self { try to("ipu") }
    /// torch: `xpu()`.
    @discardableResult public func xpu() throws -> Self { try to("xpu") }

    /// torch: `to_empty(device=..., recurse=True)`: fresh uninitialized storage of the same shapes, the
    /// way out of the meta device.
    @discardableResult
    public func toEmpty(device: Device, recurse: Bool = true) throws -> Self {
        try applyToTensors(recurse: recurse) { $0.isLazy ? try move($0, device: device, dtype: nil) : $0.emptyLike(device: device) }
    }

    /// torch: `share_memory()`.
    @discardableResult
    public func shareMemory() throws -> Self {
        try applyToTensors { try $0.shareMemory_() }
    }
}
