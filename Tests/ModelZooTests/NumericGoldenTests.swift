import Checkpoints
import Foundation
import ModelView
import GoldenSupport
import ModelZoo
import NNModules
import Profiler
import Testing

/// Every model of the goldens' `numeric/` folder, loaded with the real checkpoint reader, reproduces
/// PyTorch's outputs (float32: max |Δ| ≤ 1e-4·max(1, max |ref|); float64 within 1e-3 of the float32
/// reference) and the per-call activation statistics of `activations.jsonl`, computed by the profiler's
/// `ActivationStatistics`. ResNet-18 (1.8 GMACs) runs only in release builds or with `NNTOP_SLOW_TESTS=1`:
/// a debug build spends most of its ~4 s there in unoptimized im2col loops.
@Suite struct NumericGoldenTests {
    struct Golden: CustomTestStringConvertible, Sendable {
        let folder: String
        let zooName: String
        /// The checkpoint inside the folder (a file, or the folder itself for transformers checkpoints).
        let weights: String
        var testDescription: String { folder }
    }

    static let slowEnabled: Bool = {
        #if DEBUG
        return ProcessInfo.processInfo.environment["NNTOP_SLOW_TESTS"] == "1"
        #else
        return true
        #endif
    }()

    static let goldens: [Golden] = [
        Golden(folder: "seed_mlp", zooName: "seed_mlp", weights: "weights.safetensors"),
        Golden(folder: "lenet5", zooName: "lenet5", weights: "weights.safetensors"),
        Golden(folder: "gpt2-tiny", zooName: "gpt2-tiny", weights: ""),
        Golden(folder: "bert-tiny", zooName: "bert-tiny", weights: ""),
        Golden(folder: "llama-tiny", zooName: "llama-tiny", weights: ""),
    ] + (slowEnabled ? [Golden(folder: "resnet18_fp16", zooName: "resnet18", weights: "weights.safetensors")] : [])

    static func tensors(_ relativePath: String) throws -> StateDict {
        StateDict(checkpoint: try Checkpoint.open(try Goldens.url(relativePath)))
    }

    /// The zoo model in eval mode with the golden weights, in `dtype`, and the golden input as forward arguments.
    static func loaded(_ golden: Golden, dtype: DType) throws -> (Module, [Value]) {
        let entry = try #require(Zoo.model(named: golden.zooName))
        // Built on the CPU, not meta + to_empty: non-persistent buffers (BERT's position ids, Llama's
        // inv_freq) are not in checkpoints and keep their constructed values.
        let model = try entry.build(on: .cpu).eval()
        let path = "numeric/\(golden.folder)" + (golden.weights.isEmpty ? "" : "/\(golden.weights)")
        let weights = try tensors(path)
        try model.loadStateDict(try weights.fillingTiedKeys(of: model))
        if dtype == .float64 { try model.double() }
        let input = try tensors("numeric/\(golden.folder)/input.safetensors")
        let arguments = try input.map { _, value in
            let tensor = try #require(value.tensor)
            return Value.tensor(tensor.isFloatingPoint ? try tensor.to(dtype: dtype) : tensor)
        }
        return (model, arguments)
    }

    /// The output tensors by PyTorch's names: `output` for a bare tensor, the fields of a model output.
    static func named(_ output: Value) -> [String: Tensor] {
        if let tensor = output.tensor { return ["output": tensor] }
        return Dictionary(uniqueKeysWithValues: output.flattenedTensors().map { ($0.path, $0.tensor) })
    }

    static func expectMatches(_ output: Value, _ golden: Golden, tolerance: Double) throws {
        let expected = try tensors("numeric/\(golden.folder)/output.safetensors")
        let mine = named(output)
        #expect(Set(mine.keys) == Set(expected.keys), "\(golden.folder) output names")
        for (name, value) in expected {
            let reference = try #require(value.tensor), actual = try #require(mine[name])
            #expect(actual.sizes == reference.sizes, "\(golden.folder) \(name) shape")
            let ref = try reference.toDoubles(), got = try actual.toDoubles()
            let scale = Swift.max(1, ref.map(Swift.abs).max() ?? 0)
            let worst = zip(got, ref).map { Swift.abs($0 - $1) }.max() ?? 0
            #expect(worst <= tolerance * scale, "\(golden.folder) \(name): max |Δ| \(worst) over \(tolerance)·\(scale)")
        }
    }

    @Test(arguments: goldens)
    func float32OutputMatchesPyTorch(golden: Golden) throws {
        let (model, input) = try Self.loaded(golden, dtype: .float32)
        try Self.expectMatches(try model.call(input), golden, tolerance: 1e-4)
    }

    @Test(arguments: goldens)
    func float64OutputMatchesTheFloat32Reference(golden: Golden) throws {
        let (model, input) = try Self.loaded(golden, dtype: .float64)
        let output = try model.call(input)
        #expect(Self.named(output).values.allSatisfy { $0.dtype == .float64 })
        try Self.expectMatches(output, golden, tolerance: 1e-3)
    }

    /// One statistics record per forward-hook call, in call order, like `activations.jsonl`.
    static func recordActivations(_ model: Module, _ input: [Value]) throws -> [(name: String, className: String, stats: [ActivationStats])] {
        var calls: [(name: String, className: String, stats: [ActivationStats])] = []
        let handles = model.namedModules().map { entry in
            entry.module.registerForwardHook { module, _, output in
                let stats = output.flattenedTensors().map { ActivationStatistics.of($0.tensor, path: $0.path, sampleLimit: .max) }
                calls.append((entry.name, module.typeName, stats))
                return nil
            }
        }
        defer { handles.forEach { $0.remove() } }
        _ = try model.call(input)
        return calls
    }

    static func number(_ value: Any?) -> Double {
        if let d = value as? Double { return d }
        if let s = value as? String { return s == "NaN" ? .nan : (s == "Infinity" ? .infinity : (s == "-Infinity" ? -.infinity : .nan)) }
        return .nan
    }

    @Test(arguments: goldens)
    func activationStatisticsMatchPyTorch(golden: Golden) throws {
        let (model, input) = try Self.loaded(golden, dtype: .float32)
        let calls = try Self.recordActivations(model, input)
        let rows = try Goldens.jsonLines("numeric/\(golden.folder)/activations.jsonl")
        #expect(calls.map(\.name) == rows.map { $0["name"] as? String ?? "?" }, "\(golden.folder) call order")
        for (call, row) in zip(calls, rows) {
            #expect(call.className == row["class"] as? String, "\(call.name) class")
            let outputs = row["outputs"] as? [[String: Any]] ?? []
            #expect(call.stats.map(\.path) == outputs.map { $0["path"] as? String ?? "?" }, "\(call.name) output paths")
            for (mine, reference) in zip(call.stats, outputs) {
                let label = "\(golden.folder) \(call.name) [\(mine.path)]"
                #expect(mine.shape == reference["shape"] as? [Int], "\(label) shape")
                #expect(mine.dtype == reference["dtype"] as? String, "\(label) dtype")
                #expect(mine.nanCount == reference["nan_count"] as? Int && mine.infCount == reference["inf_count"] as? Int, "\(label) non-finite")
                let spread = Swift.max(Swift.abs(Self.number(reference["min"])), Swift.abs(Self.number(reference["max"])))
                for (field, value) in [("mean", mine.mean), ("std", mine.std), ("min", mine.min), ("max", mine.max)] {
                    let expected = Self.number(reference[field])
                    let tolerance = 1e-4 * Swift.max(Swift.abs(expected), spread) + 1e-6
                    #expect(Swift.abs(value - expected) <= tolerance || (value.isNaN && expected.isNaN), "\(label) \(field): \(value) vs \(expected)")
                }
                let zeros = Self.number(reference["zero_fraction"])
                if ["ReLU", "ReLU6"].contains(call.className) {
                    let count = { (fraction: Double) in (fraction * Double(mine.numel)).rounded() }
                    #expect(count(mine.zeroFraction) == count(zeros), "\(label) zero count")
                } else {
                    #expect(Swift.abs(mine.zeroFraction - zeros) <= 1e-3, "\(label) zero_fraction")
                }
            }
        }
    }
}
