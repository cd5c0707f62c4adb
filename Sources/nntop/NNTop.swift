import ArgumentParser

/// `nntop`: top for neural networks.
@main
struct NNTop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nntop",
        abstract: "top for neural networks: browse a model's module tree and profile it layer by layer.",
        subcommands: [TopCommand.self, AttachCommand.self, ListCommand.self, ReprCommand.self, SummaryCommand.self, ProfileCommand.self,
                      RunCommand.self, TrainCommand.self, BenchCommand.self, FuzzCommand.self, BenchBrowseCommand.self,
                      BenchInitCommand.self],
        defaultSubcommand: TopCommand.self
    )
}
