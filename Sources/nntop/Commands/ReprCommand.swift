import ArgumentParser

/// `nntop repr MODEL`: exactly what `print(model)` prints in PyTorch.
struct ReprCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "repr", abstract: "Print the model like PyTorch's print(model).")

    @Argument(help: "A zoo model name (see `nntop list`).")
    var model: String

    func run() throws {
        let loaded = try CLIError.wrap { try ModelSource.load(model) }
        print(loaded.module.repr())
    }
}
