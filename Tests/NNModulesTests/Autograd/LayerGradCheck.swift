import Foundation
import NNModules
import Testing

/// Every gradient of a layer — with respect to each floating-point input and each parameter — against
/// central finite differences in float64 (the check `GradCheck` does for one input, here for a module).
enum LayerGradCheck {
    /// Checks d(Σ g ⊙ f(inputs))/d(each input) and d/d(each parameter of `module`), with `g` a fixed
    /// non-trivial upstream gradient. `f` must be deterministic (seed the generator inside it for dropout).
    static func check(_ label: String, _ module: Module, inputs: [Tensor], tolerance: Double = 1e-6,
                      _ f: ([Tensor]) throws -> Tensor) throws {
        let probe = try GradMode.noGrad { try f(inputs) }
        let g = GradCheck.input(probe.sizes, seed: 77)
        let weights = try g.toDoubles()
        func objective(_ values: [Tensor]) throws -> Double {
            let y = try GradMode.noGrad { try f(values) }.toDoubles()
            return zip(y, weights).map(*).reduce(0, +)
        }
        func numerical(_ values: [Double], _ evaluate: ([Double]) throws -> Double) throws -> [Double] {
            try GradCheck.centralDifferences(values, evaluate)
        }

        try module.zeroGrad()
        let leaves = try inputs.map { $0.isFloatingPoint ? try $0.clone().detach().requiresGrad_() : $0 }
        try (try f(leaves) * g).sum().backward()

        for (i, (x, leaf)) in zip(inputs, leaves).enumerated() where x.isFloatingPoint {
            let analytical = try #require(leaf.grad, "\(label): no gradient reached input \(i)")
            let numeric = try numerical(try x.toDoubles()) { v in
                var perturbed = inputs
                perturbed[i] = Tensor(v, shape: x.sizes, dtype: x.dtype)
                return try objective(perturbed)
            }
            try expectClose(analytical, numeric, "\(label) input \(i)", tolerance: tolerance)
        }
        for (name, p) in module.namedParameters() where p.requiresGrad {
            let analytical = try #require(p.grad, "\(label): no gradient reached \(name)")
            let original = Tensor(try p.toDoubles(), shape: p.sizes, dtype: p.dtype)
            let numeric = try numerical(try original.toDoubles()) { v in
                p.setData(Tensor(v, shape: original.sizes, dtype: original.dtype))
                return try objective(inputs)
            }
            p.setData(original)
            try expectClose(analytical, numeric, "\(label) \(name)", tolerance: tolerance)
        }
    }

    /// One expectation per tensor, naming how many elements differ and the worst of them.
    static func expectClose(_ analytical: Tensor, _ numerical: [Double], _ label: String, tolerance: Double) throws {
        let a = try analytical.toDoubles()
        #expect(a.count == numerical.count, "\(label): \(a.count) gradient elements, \(numerical.count) expected")
        let errors = zip(a, numerical).map { abs($0 - $1) / max(1, abs($1)) }
        let bad = errors.filter { !($0 <= tolerance) }.count
        let worst = errors.indices.max { errors[$0] < errors[$1] } ?? 0
        #expect(bad == 0, "\(label): \(bad) of \(a.count) elements differ; worst [\(worst)]: analytical \(a.isEmpty ? .nan : a[worst]) numerical \(numerical.isEmpty ? .nan : numerical[worst])")
    }

    /// All tensors of a (nested) result, flattened and joined, so one check covers every output.
    static func joined(_ value: Value) throws -> Tensor {
        func tensors(_ v: Value) -> [Tensor] {
            switch v {
            case .tensor(let t): return [t]
            case .tuple(let items), .list(let items): return items.flatMap(tensors)
            default: return []
            }
        }
        return try Tensor.cat(try tensors(value).map { try $0.reshape([-1]) })
    }

    /// A float64 input spread over `scale` times GradCheck's range.
    static func input(_ shape: [Int], seed: Int, scale: Double = 1) throws -> Tensor {
        try GradCheck.input(shape, seed: seed) * scale
    }
}
