import Checkpoints
import Foundation
import GoldenSupport
import Testing

/// `nntop run` with the numeric goldens' weights and inputs writes PyTorch's outputs; bad inputs and
/// weights are clear errors with a non-zero exit.
@Suite struct RunCommandTests {
    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("nntop-run-\(UUID().uuidString)-\(name)")
    }

    static func values(_ url: URL, _ name: String) throws -> (shape: [Int], values: [Double]) {
        let record = try #require(try Checkpoint.open(url).record(named: name))
        return (record.shape, record.elementValues())
    }

    @Test(arguments: ["seed_mlp", "lenet5"])
    func writesPyTorchsOutput(name: String) throws {
        let out = Self.temporaryFile("\(name).safetensors")
        defer { try? FileManager.default.removeItem(at: out) }
        let folder = try Goldens.url("numeric/\(name)")
        let result = try NNTopBinary.run(["run", name, "--weights", folder.appendingPathComponent("weights.safetensors").path,
                                          "--input", folder.appendingPathComponent("input.safetensors").path, "--output", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let mine = try Self.values(out, "output")
        let golden = try Self.values(folder.appendingPathComponent("output.safetensors"), "output")
        #expect(mine.shape == golden.shape)
        let scale = max(1, golden.values.map(abs).max() ?? 0)
        #expect(zip(mine.values, golden.values).allSatisfy { abs($0 - $1) <= 1e-4 * scale })
    }

    /// A Hugging Face folder's `input_ids` and `attention_mask` reach the forward by keyword.
    @Test func hfFolderTakesInputsByName() throws {
        let out = Self.temporaryFile("qwen2.safetensors")
        defer { try? FileManager.default.removeItem(at: out) }
        let folder = try Goldens.url("hf/qwen2-tiny")
        let result = try NNTopBinary.run(["run", folder.path, "--input", folder.appendingPathComponent("input.safetensors").path,
                                          "--output", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let mine = try Self.values(out, "logits")
        let golden = try Self.values(folder.appendingPathComponent("output.safetensors"), "logits")
        #expect(mine.shape == golden.shape)
        #expect(zip(mine.values, golden.values).allSatisfy { abs($0 - $1) <= 1e-4 + 1e-4 * abs($1) })
    }

    @Test func float64RunWritesFloat64() throws {
        let out = Self.temporaryFile("mlp64.safetensors")
        defer { try? FileManager.default.removeItem(at: out) }
        let folder = try Goldens.url("numeric/seed_mlp")
        let result = try NNTopBinary.run(["run", "seed_mlp", "--weights", folder.appendingPathComponent("weights.safetensors").path,
                                          "--input", folder.appendingPathComponent("input.safetensors").path,
                                          "--output", out.path, "--dtype", "float64"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Checkpoint.open(out).record(named: "output")?.dtype == .f64)
    }

    @Test func weightsOfAnotherModelAreRefused() throws {
        let weights = try Goldens.url("numeric/lenet5/weights.safetensors")
        let result = try NNTopBinary.run(["run", "seed_mlp", "--weights", weights.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("Error(s) in loading state_dict for Sequential"))
    }

    @Test func inputOfTheWrongShapeIsAClearError() throws {
        let input = try Goldens.url("numeric/lenet5/input.safetensors")
        let result = try NNTopBinary.run(["run", "seed_mlp", "--input", input.path])
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("nntop: "))
    }

    @Test func inputsNamedUnlikeTheForwardArgumentsAreRefused() throws {
        let input = try Goldens.url("numeric/gpt2-tiny/input.safetensors")
        let result = try NNTopBinary.run(["run", "seed_mlp", "--input", input.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("unexpected input tensor(s) input_ids"))
    }
}
