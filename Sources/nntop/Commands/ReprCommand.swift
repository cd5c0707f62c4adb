import ArgumentParser

/// `nntop repr MODEL`: exactly what `print(model)` prints in PyTorch.
struct ReprCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "repr", abstract: "Print the model like PyTorch's print(model).")

    @OptionGroup var source: ModelArguments

    func run() throws {
        // The structure alone: `print(model)` shows no values, so no weight is read or initialized.
        print(try source.load(structureOnly: true).module.repr())
    }
}
