import Checkpoints
import Foundation
import NNModules

/// A whole-model pickle (`torch.save(model)`) as a module tree, read by the object-recording unpickler: no
/// class is imported or called. Each recorded object's `_parameters`, `_buffers`, `_modules` and `training`
/// become the module's own; `torch.nn` classes nntop has are rebuilt as real modules from their recorded
/// attributes (so a model made only of them runs), any other class is a `RecordedModule` that is shown
/// but says, when called, that its forward is Python code nntop does not run.
public enum PickledModel {
    public static func load(contentsOf url: URL) throws -> Module {
        try load(TorchCheckpoint(contentsOf: url, recordsObjects: true))
    }

    public static func load(_ checkpoint: TorchCheckpoint) throws -> Module {
        guard case .object(let root) = checkpoint.root else {
            throw ExportedModelError.invalid("\(checkpoint.file.path): the pickle holds no module object")
        }
        var tensors = ArchiveTensors(checkpoint.records)
        var built: [Int: Module] = [:]
        return try module(root, path: "", checkpoint, &tensors, &built)
    }

    /// The user's own classes in the tree (`__main__.CustomCNN`), which keep it from running.
    public static func customClasses(of module: Module) -> [String] {
        var seen: [String] = []
        for (_, child) in module.namedModules() {
            if let name = (child as? RecordedModule)?.qualifiedClassName, !seen.contains(name) { seen.append(name) }
        }
        return seen
    }

    /// `built` holds the modules made so far by object id, so a module shared in the tree stays one object.
    private static func module(
        _ object: PickledObject, path: String, _ checkpoint: TorchCheckpoint, _ tensors: inout ArchiveTensors,
        _ built: inout [Int: Module]
    ) throws -> Module {
        if let shared = built[object.id] { return shared }
        let where_ = path.isEmpty ? "the root module" : "`\(path)`"
        let module = try TorchNNRebuild.module(object)
            ?? RecordedModule(
                qualifiedClassName: object.className,
                reason: RecordedClass.isTorchNN(object.className)
                    ? "nntop has no Swift counterpart of this torch.nn class"
                    : "it is a custom class whose forward is Python code, which nntop never runs")
        /// The record of a tensor slot, nil for `None`.
        func record(_ value: PickleValue, _ name: String) throws -> (TensorRecord, requiresGrad: Bool)? {
            switch value {
            case .none: return nil
            case .tensor(let pickled):
                guard let record = checkpoint.record(for: pickled) else {
                    throw ExportedModelError.invalid("\(where_): tensor `\(name)` has no stored data")
                }
                return (record, pickled.requiresGrad)
            default: throw ExportedModelError.invalid("\(where_): `\(name)` is not a tensor")
            }
        }
        for entry in try entries(object, "_parameters", where_) {
            let parameter = try record(entry.value, entry.name).map { try tensors.parameter($0.0, requiresGrad: $0.requiresGrad) }
            try module.registerParameter(entry.name, parameter)
        }
        var nonPersistent = Set<String>()
        if case .list(let names)? = object["_non_persistent_buffers_set"] {
            for case .string(let name) in names { nonPersistent.insert(name) }
        }
        for entry in try entries(object, "_buffers", where_) {
            let buffer = try record(entry.value, entry.name).map { try tensors.tensor($0.0) }
            try module.registerBuffer(entry.name, buffer, persistent: !nonPersistent.contains(entry.name))
        }
        for entry in try entries(object, "_modules", where_) {
            switch entry.value {
            case .none:
                try module.addModule(entry.name, nil)
            case .object(let child):
                let childPath = path.isEmpty ? entry.name : "\(path).\(entry.name)"
                try module.addModule(entry.name, try self.module(child, path: childPath, checkpoint, &tensors, &built))
            default:
                throw ExportedModelError.invalid("\(where_): submodule `\(entry.name)` is not a module object")
            }
        }
        if case .bool(let training)? = object["training"] { module.training = training }
        built[object.id] = module
        return module
    }

    /// A dict attribute's entries with string keys (`_parameters`, `_buffers`, `_modules`).
    private static func entries(_ object: PickledObject, _ attribute: String, _ where_: String) throws -> [(name: String, value: PickleValue)] {
        guard let value = object[attribute] else { return [] }
        guard case .dict(let dict) = value else {
            throw ExportedModelError.invalid("\(where_) (\(object.className)): `\(attribute)` is not a dict")
        }
        return try dict.entries.map { entry in
            guard case .string(let name) = entry.key else {
                throw ExportedModelError.invalid("\(where_) (\(object.className)): `\(attribute)` has a non-string key")
            }
            return (name, entry.value)
        }
    }
}
