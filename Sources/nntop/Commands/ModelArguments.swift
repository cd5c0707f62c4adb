import ArgumentParser
import ModelSources
import Foundation

/// The `MODEL` argument and the weight-loading choice, shared by every command that opens a model.
struct ModelArguments: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "A zoo model name (see `nntop list`), a Hugging Face model folder, or a checkpoint: .safetensors, sharded "
            + "index (model.safetensors.index.json), .pt/.pth/.bin, or a folder of those."))
    var model: String

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(
        "Read only the checkpoint's headers and build the model on the meta device (structure, shapes, dtypes; no "
            + "values). Default: automatic, lazy when the tensor files exceed 2 GiB."))
    var lazyWeights: Bool?

    /// The weight loading asked for; `structureOnly` commands (`repr`, `summary`) read no weights unless
    /// `--no-lazy-weights` says so.
    func loading(structureOnly: Bool = false) -> WeightLoading {
        structureOnly && lazyWeights == nil ? .lazy : WeightLoading(flag: lazyWeights)
    }

    /// Loads the model, turning any failure into `nntop: <message>`; notes go to stderr unless `keepNotes`
    /// (the summary prints them itself).
    func load(keepNotes: Bool = false, structureOnly: Bool = false) throws -> LoadedModel {
        let loaded = try CLIError.wrap { try ModelResolver.load(model, loading: loading(structureOnly: structureOnly)) }
        if !keepNotes {
            for note in loaded.notes { FileHandle.standardError.write(Data("nntop: note: \(note)\n".utf8)) }
        }
        return loaded
    }
}
