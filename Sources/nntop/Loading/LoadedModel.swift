import NNModules

/// What the `MODEL` argument of every command resolved to: a module tree ready to show, and what to run it on.
struct LoadedModel {
    let name: String
    /// Where it came from, as the header shows it (`zoo:lenet5`, `hf:gpt2 /path`, `state dict /path`).
    let source: String
    let module: Module
    /// The forward arguments of a sample run; `nil` when there is no architecture to run (a tree inferred
    /// from a state dict's keys), so commands skip the forward instead of failing on it.
    let sampleInput: [Value]?
    /// How the model was obtained when that is not obvious (keys renamed or ignored, weights left unread,
    /// classes unknown): `summary` prints them under the table, other commands on stderr.
    let notes: [String]
    /// The forward's argument names an input file may hold (`input`; `input_ids`, `attention_mask`, ... for
    /// text models; `pixel_values`), the first required.
    var inputNames = ["input"]
}

/// A `MODEL` argument that names nothing loadable, with the reason.
struct ModelLoadError: Error, CustomStringConvertible {
    let description: String
}
