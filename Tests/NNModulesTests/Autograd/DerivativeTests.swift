import Foundation
import NNModules
import Testing

/// Analytical derivatives against central finite differences in float64 (tolerance 1e-6), the check the
/// autograd issue asks for every differentiable operation.
enum GradCheck {
    /// A float64 tensor with distinct, non-integer values away from the kinks of relu-like functions.
    static func input(_ shape: [Int], seed: Int) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor((0..<n).map { i in sin(Double(i * 7 + seed) * 1.3) * 1.7 + 0.05 }, shape: shape, dtype: .float64)
    }

    /// d/dx of `Σ g ⊙ f(x)` numerically, element by element.
    static func numerical(_ x: Tensor, _ g: Tensor, _ f: (Tensor) throws -> Tensor, h: Double = 1e-6) throws -> [Double] {
        let weights = try g.toDoubles()
        return try centralDifferences(try x.toDoubles(), h: h) { v in
            let y = try f(Tensor(v, shape: x.sizes, dtype: .float64)).toDoubles()
            return Swift.zip(y, weights).map(*).reduce(0, +)
        }
    }

    /// (objective(v + h·eᵢ) − objective(v − h·eᵢ)) / 2h for every i.
    static func centralDifferences(_ values: [Double], h: Double = 1e-6, _ objective: ([Double]) throws -> Double) throws -> [Double] {
        var v = values
        return try v.indices.map { i in
            let original = v[i]
            v[i] = original + h
            let plus = try objective(v)
            v[i] = original - h
            let minus = try objective(v)
            v[i] = original
            return (plus - minus) / (2 * h)
        }
    }

    /// d/dx of `Σ g ⊙ f(x)` through autograd, on a fresh leaf copy of `x`.
    static func analytical(_ x: Tensor, _ g: Tensor, _ f: (Tensor) throws -> Tensor) throws -> Tensor {
        let leaf = try x.clone().detach().requiresGrad_()
        try (try f(leaf) * g).sum().backward()
        guard let grad = leaf.grad else { throw TorchError.runtimeError("no gradient reached the input") }
        return grad
    }

    /// Autograd's gradient of `f` against the finite-difference one.
    static func check(_ x: Tensor, _ g: Tensor, _ label: String, tolerance: Double = 1e-6, _ f: (Tensor) throws -> Tensor) throws {
        try expectClose(try analytical(x, g, f), try numerical(x, g, f), label, tolerance: tolerance)
    }

    static func expectClose(_ analytical: Tensor, _ numerical: [Double], _ label: String, tolerance: Double = 1e-6) throws {
        let a = try analytical.toDoubles()
        #expect(a.count == numerical.count, "\(label): count")
        for (i, (x, y)) in Swift.zip(a, numerical).enumerated() {
            #expect(abs(x - y) <= tolerance * max(1, abs(y)), "\(label)[\(i)]: analytical \(x) numerical \(y)")
        }
    }
}

@Suite struct DerivativeTests {
    let a = GradCheck.input([2, 3], seed: 1)
    let b = GradCheck.input([3], seed: 5)
    let g = GradCheck.input([2, 3], seed: 9)

    @Test func broadcastingArithmetic() throws {
        let (addA, addB) = try Derivatives.add(g, a, b)
        try GradCheck.expectClose(addA, try GradCheck.numerical(a, g) { try $0 + b }, "add a")
        try GradCheck.expectClose(addB, try GradCheck.numerical(b, g) { try a + $0 }, "add b")
        let (subA, subB) = try Derivatives.sub(g, a, b)
        try GradCheck.expectClose(subA, try GradCheck.numerical(a, g) { try $0 - b }, "sub a")
        try GradCheck.expectClose(subB, try GradCheck.numerical(b, g) { try a - $0 }, "sub b")
        let (mulA, mulB) = try Derivatives.mul(g, a, b)
        try GradCheck.expectClose(mulA, try GradCheck.numerical(a, g) { try $0 * b }, "mul a")
        try GradCheck.expectClose(mulB, try GradCheck.numerical(b, g) { try a * $0 }, "mul b")
        let (divA, divB) = try Derivatives.div(g, a, b)
        try GradCheck.expectClose(divA, try GradCheck.numerical(a, g) { try $0 / b }, "div a")
        try GradCheck.expectClose(divB, try GradCheck.numerical(b, g) { try a / $0 }, "div b", tolerance: 1e-5)
    }

    /// The wired unary operations and activation layers (their derivatives live in `UnaryOp.derivative`).
    @Test func pointwiseFunctions() throws {
        try GradCheck.check(a, g, "relu") { try ReLU()($0) }
        try GradCheck.check(a, g, "tanh") { try $0.tanh() }
        try GradCheck.check(a, g, "sigmoid") { try $0.sigmoid() }
        try GradCheck.check(a, g, "exp") { try $0.exp() }
        let positive = try a.abs() + 0.5
        try GradCheck.check(positive, g, "log") { try $0.log() }
        try GradCheck.check(positive, g, "sqrt") { try $0.sqrt() }
        try GradCheck.check(a, g, "silu") { try SiLU()($0) }
        try GradCheck.check(a, g, "gelu") { try GELU()($0) }
        try GradCheck.check(a, g, "gelu tanh") { try GELU(approximate: "tanh")($0) }
    }

    @Test func linearAndMatmul() throws {
        let x = GradCheck.input([4, 3], seed: 2), w = GradCheck.input([5, 3], seed: 3), bias = GradCheck.input([5], seed: 4)
        let gy = GradCheck.input([4, 5], seed: 6)
        try GradCheck.check(x, gy, "linear x") { try Tensor.linear($0, weight: w, bias: bias) }
        try GradCheck.check(w, gy, "linear w") { try Tensor.linear(x, weight: $0, bias: bias) }
        try GradCheck.check(bias, gy, "linear b") { try Tensor.linear(x, weight: w, bias: $0) }

        let p = GradCheck.input([2, 4, 3], seed: 7), q = GradCheck.input([3, 2], seed: 8), gq = GradCheck.input([2, 4, 2], seed: 10)
        let (gp, gq2) = try Derivatives.matmul(gq, p, q)
        try GradCheck.expectClose(gp, try GradCheck.numerical(p, gq) { try $0.matmul(q) }, "matmul a")
        try GradCheck.expectClose(gq2, try GradCheck.numerical(q, gq) { try p.matmul($0) }, "matmul b (broadcast batch)")
    }

    @Test func reductionsAndSoftmax() throws {
        let scalar = Tensor([0.7], shape: [], dtype: .float64)
        try GradCheck.expectClose(try Derivatives.sum(scalar, inputShape: a.sizes), try GradCheck.numerical(a, scalar) { try $0.sum() }, "sum")
        try GradCheck.expectClose(try Derivatives.mean(scalar, inputShape: a.sizes), try GradCheck.numerical(a, scalar) { try $0.mean() }, "mean")
        let y = try a.softmax(dim: -1)
        try GradCheck.expectClose(try Derivatives.softmaxLastDim(g, output: y), try GradCheck.numerical(a, g) { try $0.softmax(dim: -1) }, "softmax")
        let logY = try y.log()
        try GradCheck.expectClose(try Derivatives.logSoftmaxLastDim(g, output: logY),
                                  try GradCheck.numerical(a, g) { try $0.softmax(dim: -1).log() }, "log_softmax")
    }

    @Test func normalizations() throws {
        let layer = LayerNorm(3, elementwiseAffine: false)
        try GradCheck.expectClose(try Derivatives.normalizeRows(g, input: a, rowLength: 3, eps: 1e-5, centered: true),
                                  try GradCheck.numerical(a, g) { try layer($0) }, "layer_norm")
        let rms = RMSNorm(3, eps: 1e-6, elementwiseAffine: false)
        try GradCheck.expectClose(try Derivatives.normalizeRows(g, input: a, rowLength: 3, eps: 1e-6, centered: false),
                                  try GradCheck.numerical(a, g) { try rms($0) }, "rms_norm")
    }

    @Test func crossEntropyMatchesSoftmaxMinusOneHot() throws {
        let logits = GradCheck.input([3, 4], seed: 11)
        let targets = Tensor([2, 0, 3], shape: [3], dtype: .int64)
        let analytical = try Derivatives.crossEntropy(1, logits: logits, targets: targets, ignoreIndex: -100, mean: true)
        let numerical = try GradCheck.numerical(logits, Tensor([1], shape: [], dtype: .float64)) { x in
            let logp = try x.softmax(dim: -1).log().toDoubles()
            let picked: [Int] = [0 * 4 + 2, 1 * 4 + 0, 2 * 4 + 3]
            let total: Double = picked.map { logp[$0] }.reduce(0, +)
            let loss = -total / 3
            return Tensor([loss], shape: [], dtype: .float64)
        }
        try GradCheck.expectClose(analytical, numerical, "cross_entropy")
    }
}
