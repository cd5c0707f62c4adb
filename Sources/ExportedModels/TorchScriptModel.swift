import Checkpoints
import Foundation
import NNModules

/// A TorchScript archive (`torch.jit.save`) as a module tree, structure only: `data.pkl`'s recorded
/// objects (`__torch__.*` classes, read without importing or calling anything) give the classes, with the
/// compiler's `___torch_mangle_N` segments removed, the submodules and the tensors stored under `data/`.
/// `code/` is never read or run, so every module is a `RecordedModule`.
///
/// A scripted module's attributes do not say which tensors are parameters; those that require grad are
/// taken as parameters and the others as buffers (a frozen parameter therefore shows as a buffer).
public enum TorchScriptModel {
    public static func load(contentsOf url: URL) throws -> Module {
        let checkpoint = try TorchCheckpoint(contentsOf: url, recordsObjects: true)
        guard case .object(let root) = checkpoint.root else {
            throw ExportedModelError.invalid("\(url.path): data.pkl holds no module object")
        }
        var tensors = ArchiveTensors(checkpoint.records)
        return try module(root, checkpoint, &tensors)
    }

    private static func module(_ object: PickledObject, _ checkpoint: TorchCheckpoint, _ tensors: inout ArchiveTensors) throws -> Module {
        let module = RecordedModule(
            qualifiedClassName: RecordedClass.demangledTorchScript(object.className),
            reason: "TorchScript code is never run by nntop; the archive is shown as structure only")
        for entry in object.state {
            guard case .string(let name) = entry.key else { continue }
            switch entry.value {
            case .object(let child):
                try module.addModule(name, try self.module(child, checkpoint, &tensors))
            case .tensor(let pickled):
                guard let record = checkpoint.record(for: pickled) else {
                    throw ExportedModelError.invalid("\(object.className): tensor `\(name)` has no stored data")
                }
                if pickled.requiresGrad {
                    try module.registerParameter(name, try tensors.parameter(record, requiresGrad: true))
                } else {
                    try module.registerBuffer(name, try tensors.tensor(record))
                }
            case .bool(let training) where name == "training":
                module.training = training
            default:
                continue
            }
        }
        return module
    }
}
