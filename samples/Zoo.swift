import NNModules

/// One model of the zoo: how to build it and the sample input nntop feeds it.
public struct ZooModel: Sendable {
    public let name: String
    public let summary: String
    /// Built on the meta device unless asked otherwise: over ~1B parameters the weights would not fit in
    /// memory, while structure, shapes and counts need none.
    public let buildsOnMeta: Bool
    /// Builds on the ambient `TensorDefaults.device`.
    let make: @Sendable () throws -> Module
    /// The model's default sample input, as forward arguments, on the ambient device.
    let input: @Sendable () throws -> [Value]

    init(_ name: String, _ summary: String, onMeta: Bool = false, build: @escaping @Sendable () throws -> Module,
         sampleInput: @escaping @Sendable () throws -> [Value]) {
        self.name = name
        self.summary = summary
        self.buildsOnMeta = onMeta
        self.make = build
        self.input = sampleInput
    }

    /// The device the zoo builds this model on by default.
    public var defaultDevice: Device { buildsOnMeta ? .meta : TensorDefaults.device }

    /// Builds a fresh model (initialized from the default generator) on its default device.
    public func build() throws -> Module { try build(on: defaultDevice) }

    public func build(on device: Device) throws -> Module {
        try TensorDefaults.$device.withValue(device) { try make() }
    }

    /// The sample input on the model's default device.
    public func sampleInput() throws -> [Value] { try sampleInput(on: defaultDevice) }

    public func sampleInput(on device: Device) throws -> [Value] {
        try TensorDefaults.$device.withValue(device) { try input() }
    }
}

/// The built-in models, with PyTorch/torchvision/Hugging Face module names and classes.
public enum Zoo {
    public static let models: [ZooModel] = [
        ZooModel("seed_mlp", "nn.Sequential(Linear(2, 2), ReLU(), Linear(2, 2))",
                 build: { try SeedMLP.build() }, sampleInput: { [.tensor(Tensor.randn([4, 2]))] }),
        ZooModel("lenet5", "LeNet-5 for 1x28x28 digits as one nn.Sequential",
                 build: { try LeNet5.build() }, sampleInput: { [.tensor(Tensor.randn([2, 1, 28, 28]))] }),
        ZooModel("resnet18", "torchvision resnet18()", build: { try ResNet.resnet18() }, sampleInput: image),
        ZooModel("resnet34", "torchvision resnet34()", build: { try ResNet.resnet34() }, sampleInput: image),
        ZooModel("resnet50", "torchvision resnet50()", build: { try ResNet.resnet50() }, sampleInput: image),
        ZooModel("mobilenet_v2", "torchvision mobilenet_v2()", build: { try MobileNetV2() }, sampleInput: image),
        ZooModel("vit_b_16", "torchvision vit_b_16()", build: { try VisionTransformer.vitB16() }, sampleInput: image),
    ]

    public static func model(named name: String) -> ZooModel? {
        models.first { $0.name == name }
    }

    /// torchvision models' sample input: one 224×224 RGB image.
    @Sendable static func image() -> [Value] { [.tensor(Tensor.randn([1, 3, 224, 224]))] }
}
