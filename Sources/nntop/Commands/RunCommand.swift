import ArgumentParser
import ModelSources
import Checkpoints
import ExportedModels
import Foundation
import ModelZoo
import NNModules

/// `nntop run MODEL`: one forward pass with real weights and inputs, outputs written as safetensors, so a
/// script can compare nntop with PyTorch tensor by tensor.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one forward pass (optionally with weights and inputs from safetensors) and write the outputs.")

    @Argument(help: "A zoo model name (see `nntop list`).")
    var model: String
    @Option(help: "Weights to load strictly (state-dict keys as PyTorch names them): a safetensors file, a .pt file or a model folder.")
    var weights: String?
    @Option(help: "Input tensors named like the forward arguments (`input`, `input_ids`); default: the sample input.")
    var input: String?
    @Option(help: "Write the outputs here (`output`, or `logits`/`last_hidden_state`/`pooler_output`).")
    var output: String?
    @Option(help: "Compute dtype: float32 or float64.")
    var dtype = "float32"

    func run() throws {
        guard let computeType = DType(parsing: dtype), computeType == .float32 || computeType == .float64 else {
            throw ValidationError("--dtype must be float32 or float64, got '\(dtype)'")
        }
        try CLIError.wrap {
            let loaded = try ModelResolver.load(model)
            let module = loaded.module.eval()
            if let weights {
                let stateDict = StateDict(checkpoint: try Checkpoint.open(URL(fileURLWithPath: weights)))
                do { try module.loadStateDict(try stateDict.fillingTiedKeys(of: module)) } catch {
                    throw ModelLoadError(description: "\(weights): \(error)")
                }
            }
            if computeType == .float64 { try module.double() }
            let names = (loaded.module as? ExportedProgramModule)?.inputNames ?? loaded.inputNames
            guard let arguments = try input.map({ try Self.readInputs($0, names: names) }) ?? loaded.sampleInput.map({ (args: $0, kwargs: loaded.sampleKwargs) }) else {
                throw ModelLoadError(description: "\(model): no architecture is known, so there is nothing to run")
            }
            func converted(_ value: Value) throws -> Value {
                guard let tensor = value.tensor, tensor.isFloatingPoint else { return value }
                return .tensor(try tensor.to(dtype: computeType))
            }
            let args = try arguments.args.map(converted), kwargs = try arguments.kwargs.mapValues(converted)
            let result: Value
            do { result = try GradMode.noGrad { try module.call(args, kwargs: kwargs) } } catch {
                throw ModelLoadError(description: "\(model): the forward on \(input ?? "the sample input") failed: \(error)")
            }
            let outputs = Self.namedOutputs(result)
            if let output {
                let entries = try outputs.mapValues { try $0.safetensorsEntry() }
                try SafetensorsWriter.save(tensors: entries, to: URL(fileURLWithPath: output))
            }
            for (name, tensor) in outputs.sorted(by: { $0.key < $1.key }) {
                print("\(name) \(Tensor.pythonShapeText(tensor.sizes)) \(tensor.dtype.rawValue)")
            }
        }
    }

    /// The forward arguments from a safetensors file whose tensors are named like them: the first of `names`
    /// is required, the others optional. `nn.Module.forward(input)` gets its tensor by position; text models
    /// get every tensor by keyword (`input_ids=`, `attention_mask=`, ...), as their optional arguments sit at
    /// different positions in each transformers family.
    static func readInputs(_ path: String, names: [String]) throws -> (args: [Value], kwargs: Kwargs) {
        let tensors = StateDict(checkpoint: try Checkpoint.open(URL(fileURLWithPath: path)))
        let unknown = tensors.keys.filter { !names.contains($0) }
        guard unknown.isEmpty else {
            throw ModelLoadError(description: "\(path): unexpected input tensor(s) \(unknown.joined(separator: ", ")); the model takes \(names.joined(separator: ", "))")
        }
        guard let first = names.first, let primary = tensors.tensor(first) else {
            throw ModelLoadError(description: "\(path): missing input tensor '\(names.first ?? "input")'")
        }
        if first == "input" { return ([.tensor(primary)], [:]) }
        var kwargs: Kwargs = [:]
        for name in names { kwargs[name] = tensors.tensor(name).map { .tensor($0) } }
        return ([], kwargs)
    }

    /// Outputs by PyTorch's names: `output` for a bare tensor, else the model output's fields.
    static func namedOutputs(_ value: Value) -> [String: Tensor] {
        if let tensor = value.tensor { return ["output": tensor] }
        return Dictionary(value.flattenedTensors().map { ($0.path, $0.tensor) }, uniquingKeysWith: { first, _ in first })
    }
}

extension Tensor {
    /// `[1, 16, 1000]`.
    static func pythonShapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}
