/// One pass per parameter for the optimizer updates, in place on the parameter and its state buffers, with
/// PyTorch's per-element arithmetic (`buf.mul_(momentum).add_(d_p, alpha=1-dampening)`,
/// `exp_avg.lerp_(grad, 1-beta1)`, `param.addcdiv_(exp_avg, denom, value=-step_size)`): the out-of-place
/// formulation made five temporaries the size of the model per step.
enum FusedUpdate {
    /// Whether `p` and `grad` can take the fused path (same float dtype, contiguous, CPU with storage).
    static func applies(_ p: Tensor, _ grad: Tensor) -> Bool {
        (p.dtype == .float32 || p.dtype == .float64) && p.dtype == grad.dtype && p.isContiguous && grad.isContiguous
            && p.sizes == grad.sizes && !p.isMeta && !grad.isMeta
    }

    static func sgd(_ p: Tensor, grad: Tensor, buffer: Tensor?, lr: Double, momentum: Double, dampening: Double,
                    weightDecay: Double, nesterov: Bool) {
        if p.dtype == .float64 {
            sgd(Double.self, p, grad, buffer, lr, momentum, dampening, weightDecay, nesterov)
        } else {
            sgd(Float.self, p, grad, buffer, lr, momentum, dampening, weightDecay, nesterov)
        }
    }

    /// `buffer` is nil without momentum; on the first step it holds a copy of `d_p` already (as torch clones).
    private static func sgd<T: KernelFloat>(_: T.Type, _ p: Tensor, _ grad: Tensor, _ buffer: Tensor?, _ lr: Double,
                                            _ momentum: Double, _ dampening: Double, _ weightDecay: Double, _ nesterov: Bool) {
        let w = p.elementPointer(T.self), g = grad.elementPointer(T.self), b = buffer?.elementPointer(T.self)
        let (lr, m, keep, wd) = (T(lr), T(momentum), T(1 - dampening), T(weightDecay))
        parallelChunks(p.count, grain: 1 << 15) { range in
            for i in range {
                var d = g[i]
                if wd != 0 { d += wd * w[i] }
                if let b {
                    b[i] = b[i] * m + d * keep
                    d = nesterov ? d + m * b[i] : b[i]
                }
                w[i] -= lr * d
            }
        }
    }

    static func adamW(_ p: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, lr: Double, beta1: Double, beta2: Double,
                      eps: Double, weightDecay: Double, step: Int) {
        if p.dtype == .float64 {
            adamW(Double.self, p, grad, expAvg, expAvgSq, lr, beta1, beta2, eps, weightDecay, step)
        } else {
            adamW(Float.self, p, grad, expAvg, expAvgSq, lr, beta1, beta2, eps, weightDecay, step)
        }
    }

    private static func adamW<T: KernelFloat>(_: T.Type, _ p: Tensor, _ grad: Tensor, _ expAvg: Tensor, _ expAvgSq: Tensor,
                                              _ lr: Double, _ beta1: Double, _ beta2: Double, _ eps: Double,
                                              _ weightDecay: Double, _ step: Int) {
        let w = p.elementPointer(T.self), g = grad.elementPointer(T.self)
        let m = expAvg.elementPointer(T.self), v = expAvgSq.elementPointer(T.self)
        let biasCorrection1 = 1 - pow(beta1, Double(step))
        let biasCorrection2Sqrt = (1 - pow(beta2, Double(step))).squareRoot()
        let decay = T(1 - lr * weightDecay), oneMinusBeta1 = T(1 - beta1), b2 = T(beta2), oneMinusBeta2 = T(1 - beta2)
        let stepSize = T(lr / biasCorrection1), correction = T(biasCorrection2Sqrt), epsilon = T(eps)
        parallelChunks(p.count, grain: 1 << 15) { range in
            for i in range {
                w[i] *= decay
                m[i] += (g[i] - m[i]) * oneMinusBeta1
                v[i] = v[i] * b2 + g[i] * g[i] * oneMinusBeta2
                let denom = v[i].squareRoot() / correction + epsilon
                w[i] -= stepSize * (m[i] / denom)
            }
        }
    }
}

import Foundation
