import Checkpoints
import Foundation
import NNModules

/// A `torch.export` archive (`.pt2`) as a Module: the tree PyTorch's `named_modules()` had (names from
/// `module_call_graph`, classes from the nodes' `nn_module_stack`, parameters and buffers from the
/// signature, tied weights one `Parameter`), and a `forward` that interprets the graph on nntop's kernels.
///
/// The submodules are `RecordedModule`s: they run only as part of the graph, and while it runs each one's
/// forward hooks fire around the nodes it emitted, so hook users (the profiler) see every module called.
public final class ExportedProgramModule: Module {
    public let archive: ExportedProgramArchive
    /// The root class's qualified name (`__main__.CustomCNN`), when a node records it.
    public let qualifiedClassName: String?
    private let interpreter: GraphInterpreter

    /// The forward's argument names (`x`, `input_ids`).
    public var inputNames: [String] { archive.program.forwardArgumentNames }
    /// The eager model's output names (`output`, `0`/`1`, `logits`).
    public var outputNames: [String] { archive.program.outputNames }

    public convenience init(contentsOf url: URL) throws {
        try self.init(archive: ExportedProgramArchive(contentsOf: url))
    }

    public convenience init(archive: ExportedProgramArchive) throws {
        try self.init(archive: archive, kernels: ATenOps.kernels)
    }

    /// `kernels` maps op names to implementations (tests leave one out to see the error it gives).
    init(archive: ExportedProgramArchive, kernels: [String: ATenOps.Kernel]) throws {
        self.archive = archive
        let program = archive.program
        var classes: [String: String] = [:]
        for node in program.nodes {
            for frame in node.moduleStack where classes[frame.path] == nil { classes[frame.path] = frame.className }
        }
        qualifiedClassName = classes[""]
        var tensors = ArchiveTensors(archive.weights.map(\.record) + archive.constants.map(\.record))
        let reason = "it runs only as part of the exported graph of the root module"
        func makeModule(_ path: String) -> Module { RecordedModule(qualifiedClassName: classes[path], reason: reason) }

        // Built before `super.init` so `self` is complete; attached below.
        let weights = Dictionary(archive.weights.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var placeholders: [String: Tensor] = [:]
        var registrations: [(owner: String, name: String, kind: ExportedInputSpec.Kind, tensor: Tensor)] = []
        for spec in program.inputSpecs {
            guard case .tensor(let placeholder) = spec.argument, let target = spec.target else { continue }
            let tensor: Tensor
            switch spec.kind {
            case .parameter:
                guard let stored = weights[target] else { throw ExportedModelError.invalid("parameter `\(target)` has no stored weight") }
                tensor = try tensors.parameter(stored.record, requiresGrad: stored.requiresGrad)
            case .buffer:
                guard let stored = weights[target] else { throw ExportedModelError.invalid("buffer `\(target)` has no stored tensor") }
                tensor = try tensors.tensor(stored.record)
            case .tensorConstant:
                guard let stored = archive.constants.first(where: { $0.name == target }) else {
                    throw ExportedModelError.invalid("constant `\(target)` has no stored tensor")
                }
                // A constant is an attribute of the graph, not state of a module.
                placeholders[placeholder] = try tensors.tensor(stored.record)
                continue
            case .userInput, .other:
                continue
            }
            placeholders[placeholder] = tensor
            let (owner, name) = ModulePath.split(target)
            registrations.append((owner, name, spec.kind, tensor))
        }
        interpreter = try GraphInterpreter(program: program, placeholders: placeholders, kernels: kernels)
        super.init()
        setRecordedClassName(qualifiedClassName.map(RecordedClass.shortName) ?? "Module")
        training = false
        for path in program.moduleNames + program.nodes.flatMap({ $0.moduleStack.map(\.path) }) {
            _ = try ModulePath.module(path, in: self, make: makeModule)
        }
        for registration in registrations {
            let owner = try ModulePath.module(registration.owner, in: self, make: makeModule)
            switch registration.kind {
            case .parameter: try owner.registerParameter(registration.name, registration.tensor)
            case .buffer(let persistent): try owner.registerBuffer(registration.name, registration.tensor, persistent: persistent)
            default: continue
            }
        }
        for (_, module) in namedModules() { module.training = false }
        try interpreter.attach(to: self)
    }

    /// Runs the graph on the user inputs, by position (in `inputNames` order) or by name.
    /// - Returns: like the eager model: one tensor, a tuple, or a dict by field name (`logits`) for a
    ///   dict or model-output class.
    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        var inputs: [Tensor] = []
        for (index, name) in interpreter.userInputNames.enumerated() {
            let forwardName = index < inputNames.count ? inputNames[index] : name
            guard let value = index < args.count ? args[index] : (kwargs[forwardName] ?? kwargs[name]), let tensor = value.tensor else {
                throw TorchError.typeError("\(typeName).forward() missing tensor argument '\(forwardName)'")
            }
            inputs.append(tensor)
        }
        let outputs = try interpreter.run(inputs)
        let names = outputNames
        if names.count == outputs.count, names != names.indices.map(String.init), names != ["output"] {
            return .dict(Kwargs(uniqueKeysWithValues: zip(names, outputs.map { .tensor($0) })))
        }
        return outputs.count == 1 ? .tensor(outputs[0]) : .tuple(outputs.map { .tensor($0) })
    }
}
