import Foundation
import ModelZoo
import NNModules

/// What the `MODEL` argument of every command names: a zoo model today; files and folders come with the
/// checkpoint loaders.
struct LoadedModel {
    let name: String
    /// Where it came from, as the header shows it (`zoo:lenet5`).
    let source: String
    let module: Module
    let sampleInput: [Value]
}

struct ModelLoadError: Error, CustomStringConvertible {
    let description: String
}

enum ModelSource {
    static func load(_ argument: String) throws -> LoadedModel {
        if let entry = Zoo.model(named: argument) {
            DefaultGenerator.manualSeed(0)
            let module = try entry.build()
            return LoadedModel(name: entry.name, source: "zoo:\(entry.name)", module: module, sampleInput: try entry.sampleInput())
        }
        if FileManager.default.fileExists(atPath: argument) {
            throw ModelLoadError(description: "cannot open '\(argument)': loading models from files is not supported yet (zoo models only: see `nntop list`)")
        }
        let names = Zoo.models.map(\.name).joined(separator: ", ")
        throw ModelLoadError(description: "unknown model '\(argument)': not a zoo model (\(names)) and no such file or folder")
    }
}

extension ModelLoadError {
    init(_ error: Error) { self.description = "\(error)" }
}
