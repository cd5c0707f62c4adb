import NNModules

/// What the `MODEL` argument of every command resolved to: a module tree ready to show, and what to run it on.
public struct LoadedModel {
    public let name: String
    /// Where it came from, as the header shows it (`zoo:lenet5`, `hf:gpt2 /path`, `state dict /path`).
    public let source: String
    public let module: Module
    /// The forward arguments of a sample run; `nil` when there is no architecture to run (a tree inferred
    /// from a state dict's keys), so commands skip the forward instead of failing on it.
    public let sampleInput: [Value]?
    /// How the model was obtained when that is not obvious (keys renamed or ignored, weights left unread,
    /// classes unknown): `summary` prints them under the table, other commands on stderr.
    public let notes: [String]
    /// The forward's argument names an input file may hold (`input`; `input_ids`, `attention_mask`, ... for
    /// text models; `pixel_values`), the first required.
    public var inputNames: [String]

    /// The sample forward's keyword arguments: a text model's `attention_mask` (all ones: nothing padded),
    /// passed by name as transformers' callers do.
    public var sampleKwargs: Kwargs {
        guard inputNames.contains("attention_mask"), let ids = sampleInput?.first?.tensor, !ids.isFloatingPoint else { return [:] }
        return ["attention_mask": .tensor(Tensor.ones(ids.sizes, dtype: .int64, device: ids.device))]
    }

    public init(name: String, source: String, module: Module, sampleInput: [Value]?, notes: [String],
                inputNames: [String] = ["input"]) {
        self.name = name
        self.source = source
        self.module = module
        self.sampleInput = sampleInput
        self.notes = notes
        self.inputNames = inputNames
    }
}

/// A `MODEL` argument that names nothing loadable, with the reason.
public struct ModelLoadError: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) { self.description = description }
}
