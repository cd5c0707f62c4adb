import NNModules

/// One model of the zoo: how to build it and the sample input nntop feeds it.
public struct ZooModel: Sendable {
    public let name: String
    public let summary: String
    /// Builds a fresh model (initialized from the default generator).
    public let build: @Sendable () throws -> Module
    /// The model's default sample input, as forward arguments.
    public let sampleInput: @Sendable () -> [Value]
}

/// The built-in models, with PyTorch/torchvision/Hugging Face module names and classes.
public enum Zoo {
    public static let models: [ZooModel] = [
        ZooModel(name: "seed_mlp", summary: "nn.Sequential(Linear(2, 2), ReLU(), Linear(2, 2))",
                 build: { try SeedMLP.build() }, sampleInput: { [.tensor(Tensor.randn([4, 2]))] }),
        ZooModel(name: "lenet5", summary: "LeNet-5 for 1x28x28 digits as one nn.Sequential",
                 build: { try LeNet5.build() }, sampleInput: { [.tensor(Tensor.randn([2, 1, 28, 28]))] }),
    ]

    public static func model(named name: String) -> ZooModel? {
        models.first { $0.name == name }
    }
}
