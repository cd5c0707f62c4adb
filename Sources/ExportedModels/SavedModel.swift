import Checkpoints
import Foundation
import NNModules

/// A whole model saved by PyTorch, whichever way: a `torch.export` archive (runs through the graph
/// interpreter), a TorchScript archive (structure only) or a `torch.save(model)` pickle (real modules where
/// every class is torch.nn's). What a command needs: the module, a sample input when the file has one, and
/// notes that say what cannot run and why.
public struct SavedModel {
    public enum Format: String, Sendable {
        case exportedProgram = "torch.export archive"
        case torchScript = "TorchScript archive"
        case pickledModel = "whole-model pickle"
    }

    public let format: Format
    public let module: Module
    /// The forward arguments of a sample run (the archive's example inputs), nil when there is none.
    public let sampleInput: [Value]?
    public let notes: [String]

    /// The saved model in `url`, or nil when the file is none of these (a state dict, safetensors...).
    /// A pickle that names a global other than a recorded class is not opened here: the weights-only
    /// reader refuses it by name.
    public static func open(_ url: URL) throws -> SavedModel? {
        if ExportedProgramArchive.isExportedArchive(url) {
            let model = try ExportedProgramModule(contentsOf: url)
            let samples = model.archive.sampleInputs ?? []
            let byName = Dictionary(samples.map { ($0.name, $0.record) }, uniquingKeysWith: { first, _ in first })
            let records = model.inputNames.compactMap { byName[$0] }
            let input = records.count == model.inputNames.count && !records.isEmpty
                ? Tensor.fromRecords(records).map { Value.tensor($0.tensor) } : nil
            var notes = ["torch.export archive: its graph of \(model.archive.program.nodes.count) ops runs on nntop's kernels"]
            if input == nil { notes.append("the archive records no example inputs for \(model.inputNames.joined(separator: ", "))") }
            return SavedModel(format: .exportedProgram, module: model, sampleInput: input, notes: notes)
        }
        if TorchScriptArchive.isTorchScriptArchive(url) {
            return SavedModel(
                format: .torchScript, module: try TorchScriptModel.load(contentsOf: url), sampleInput: nil,
                notes: ["TorchScript archive: structure only (its code/ is never run); tensors that require grad are shown as parameters"])
        }
        guard let checkpoint = try? TorchCheckpoint(contentsOf: url, recordsObjects: true), case .object = checkpoint.root else {
            return nil
        }
        let module = try PickledModel.load(checkpoint)
        let custom = PickledModel.customClasses(of: module)
        let notes = custom.isEmpty
            ? ["whole-model pickle: every class is torch.nn's, rebuilt from its recorded attributes; the file records no sample input"]
            : ["whole-model pickle: \(custom.joined(separator: ", ")) shown, not run: a custom class's forward is Python code, which nntop never runs"]
        return SavedModel(format: .pickledModel, module: module, sampleInput: nil, notes: notes)
    }
}
