/// Recursive settings: `apply`, `train`/`eval`, `requires_grad_`, `zero_grad`.
extension Module {
    /// torch: `apply(fn)` — children first (post-order), then self; returns self.
    @discardableResult
    public func apply(_ fn: (Module) throws -> Void) rethrows -> Self {
        for child in children() { try child.apply(fn) }
        try fn(self)
        return self
    }

    /// torch: `train(mode=True)`.
    @discardableResult
    public func train(_ mode: Bool = true) -> Self {
        training = mode
        for child in children() { child.train(mode) }
        return self
    }

    /// torch: `eval()`.
    @discardableResult
    public func eval() -> Self { train(false) }

    /// torch: `requires_grad_(requires_grad=True)`.
    @discardableResult
    public func requiresGrad_(_ requiresGrad: Bool = true) -> Self {
        for p in parameters() where p.dtype.isFloatingPoint || p.dtype.isComplex {
            p.requiresGrad = requiresGrad
        }
        return self
    }

    /// torch: `zero_grad(set_to_none=True)`.
    public func zeroGrad(setToNone: Bool = true) throws {
        for p in parameters() {
            guard let grad = p.grad else { continue }
            if setToNone {
                p.grad = nil
            } else {
                grad.requiresGrad = false
                try grad.zero_()
            }
        }
    }
}
