import ArgumentParser
import ModelZoo

/// `nntop list`: the built-in models.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the built-in sample models.")

    func run() throws {
        let width = (Zoo.models.map(\.name.count).max() ?? 0) + 2
        for model in Zoo.models {
            print(model.name.padding(toLength: width, withPad: " ", startingAt: 0) + model.summary)
        }
    }
}
