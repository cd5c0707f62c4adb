/// torch.optim.Optimizer: a parameter list, `zero_grad`, `step`. Parameters that do not require grad (or
/// have no `.grad`) are skipped, so freezing a subtree really stops its updates.
open class Optimizer {
    public let parameters: [Parameter]
    /// Per-parameter state (momentum buffers, Adam moments), keyed by parameter identity.
    var state: [ObjectIdentifier: [String: Tensor]] = [:]
    var steps: [ObjectIdentifier: Int] = [:]

    public init(_ parameters: [Parameter]) {
        var seen = Set<ObjectIdentifier>()
        self.parameters = parameters.filter { seen.insert(ObjectIdentifier($0)).inserted }
    }

    /// torch: `zero_grad(set_to_none=True)`.
    public func zeroGrad(setToNone: Bool = true) throws {
        for p in parameters {
            guard let grad = p.grad else { continue }
            if setToNone { p.grad = nil } else { try grad.zero_() }
        }
    }

    /// torch: `step()`.
    public func step() throws {
        try GradMode.noGrad {
            for p in parameters where p.requiresGrad {
                guard let grad = p.grad else { continue }
                let id = ObjectIdentifier(p)
                steps[id, default: 0] += 1
                try update(p, grad: grad, state: &state[id, default: [:]], step: steps[id] ?? 1)
            }
        }
    }

    /// One parameter's update rule.
    open func update(_ parameter: Parameter, grad: Tensor, state: inout [String: Tensor], step: Int) throws {
        throw TorchError.notImplementedError("Optimizer.update must be overridden")
    }
}

/// torch.optim.SGD(lr, momentum=0, dampening=0, weight_decay=0, nesterov=False).
public final class SGD: Optimizer {
    public let lr: Double, momentum: Double, dampening: Double, weightDecay: Double, nesterov: Bool

    public init(_ parameters: [Parameter], lr: Double, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false) {
        self.lr = lr
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        super.init(parameters)
    }

    override public func update(_ p: Parameter, grad: Tensor, state: inout [String: Tensor], step: Int) throws {
        if FusedUpdate.applies(p, grad) {
            var buffer: Tensor?
            if momentum != 0 {
                if let previous = state["momentum_buffer"] {
                    buffer = previous
                } else {
                    // torch: `buf = torch.clone(d_p).detach()` on the first step, then no further mixing.
                    let first = weightDecay != 0 ? try grad + (try p * weightDecay) : try grad.clone()
                    state["momentum_buffer"] = first
                    FusedUpdate.sgd(p, grad: grad, buffer: nil, lr: lr, momentum: 0, dampening: 0, weightDecay: weightDecay,
                                    nesterov: false)
                    if nesterov {
                        // d = d + momentum·buf where buf == d on the first step.
                        try p.copy_(try p - (try first * (lr * momentum)))
                    }
                    return
                }
            }
            FusedUpdate.sgd(p, grad: grad, buffer: buffer, lr: lr, momentum: momentum, dampening: dampening,
                            weightDecay: weightDecay, nesterov: nesterov)
            return
        }
        var d = grad
        if weightDecay != 0 { d = try d + (try p * weightDecay) }
        if momentum != 0 {
            let buffer: Tensor
            if let previous = state["momentum_buffer"] {
                buffer = try (try previous * momentum) + (try d * (1 - dampening))
            } else {
                buffer = try d.clone()
            }
            state["momentum_buffer"] = buffer
            d = nesterov ? try d + (try buffer * momentum) : buffer
        }
        try p.copy_(try p - (try d * lr))
    }
}

/// torch.optim.AdamW(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2), with PyTorch's
/// arithmetic order (decoupled decay first, bias corrections on the step size and the denominator).
public final class AdamW: Optimizer {
    public let lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double

    public init(_ parameters: [Parameter], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 1e-2) {
        self.lr = lr
        self.beta1 = betas.0
        self.beta2 = betas.1
        self.eps = eps
        self.weightDecay = weightDecay
        super.init(parameters)
    }

    override public func update(_ p: Parameter, grad: Tensor, state: inout [String: Tensor], step: Int) throws {
        if FusedUpdate.applies(p, grad) {
            let m = state["exp_avg"] ?? Tensor.zeros(p.sizes, dtype: p.dtype)
            let v = state["exp_avg_sq"] ?? Tensor.zeros(p.sizes, dtype: p.dtype)
            state["exp_avg"] = m
            state["exp_avg_sq"] = v
            FusedUpdate.adamW(p, grad: grad, expAvg: m, expAvgSq: v, lr: lr, beta1: beta1, beta2: beta2, eps: eps,
                              weightDecay: weightDecay, step: step)
            return
        }
        try p.copy_(try p * (1 - lr * weightDecay))
        let m = try (try (state["exp_avg"] ?? Tensor.zeros(p.sizes, dtype: p.dtype)) * beta1) + (try grad * (1 - beta1))
        let v = try (try (state["exp_avg_sq"] ?? Tensor.zeros(p.sizes, dtype: p.dtype)) * beta2)
            + (try (try grad * grad) * (1 - beta2))
        state["exp_avg"] = m
        state["exp_avg_sq"] = v
        let biasCorrection1 = 1 - Foundation.pow(beta1, Double(step))
        let biasCorrection2 = 1 - Foundation.pow(beta2, Double(step))
        let denom = try (try v.sqrt() / biasCorrection2.squareRoot()) + eps
        try p.copy_(try p - (try (try m / denom) * (lr / biasCorrection1)))
    }
}

import Foundation
