import NNModules

/// One model of the zoo: how to build it and the sample input nntop feeds it.
public struct ZooModel: Sendable {
    public let name: String
    public let summary: String
    /// Built on the meta device unless asked otherwise: over ~1B parameters the weights would not fit in
    /// memory, while structure, shapes and counts need none.
    public let buildsOnMeta: Bool
    /// The names of the forward arguments the sample input fills, as the PyTorch/HF forward names them
    /// (`input`, `input_ids`).
    public let inputNames: [String]
    /// Builds on the ambient `TensorDefaults.device`.
    let make: @Sendable () throws -> Module
    /// The model's default sample input, as forward arguments, on the ambient device.
    let input: @Sendable () throws -> [Value]

    init(_ name: String, _ summary: String, onMeta: Bool = false, inputNames: [String] = ["input"],
         build: @escaping @Sendable () throws -> Module, sampleInput: @escaping @Sendable () throws -> [Value]) {
        self.name = name
        self.summary = summary
        self.buildsOnMeta = onMeta
        self.inputNames = inputNames
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
        gpt2("gpt2", "GPT-2 small (124M), GPT2LMHeadModel", .gpt2),
        gpt2("gpt2-medium", "GPT-2 medium (355M), GPT2LMHeadModel", .medium),
        gpt2("gpt2-large", "GPT-2 large (774M), GPT2LMHeadModel", .large, onMeta: true),
        gpt2("gpt2-xl", "GPT-2 XL (1.5B), GPT2LMHeadModel", .xl, onMeta: true),
        gpt2("gpt2-tiny", "GPT-2, 2 layers of width 64, vocabulary 1000", .tiny, tokens: 16),
        bert("bert-base-uncased", "BertModel, bert-base-uncased shape (110M)", .base),
        bert("minilm-l6", "BertModel, all-MiniLM-L6-v2 shape: 6 layers of width 384, 12 heads (22.7M)", .miniLML6),
        bert("bert-tiny", "BertModel, 2 layers of width 64, vocabulary 1000", .tiny, tokens: 16),
        llama("llama-7b", "LlamaForCausalLM, Llama-2-7B shape", .llama7B),
        llama("llama-13b", "LlamaForCausalLM, Llama-2-13B shape", .llama13B),
        llama("llama-70b", "LlamaForCausalLM, Llama-2-70B shape (grouped-query, 8 KV heads)", .llama70B),
        llama("llama-tiny", "LlamaForCausalLM, 2 layers of width 64, 4 heads on 2 KV heads", .tiny, tokens: 16, onMeta: false),
        llama("qwen2-tiny", "Qwen2ForCausalLM, 2 layers of width 64, q/k/v biases, 4 heads on 2 KV heads",
              .qwen2Tiny, tokens: 16, onMeta: false),
        llama("mistral-tiny", "MistralForCausalLM, 2 layers of width 64, 4 heads on 2 KV heads", .mistralTiny,
              tokens: 16, onMeta: false),
        bert("roberta-tiny", "RobertaModel, 2 layers of width 64, vocabulary 320", .robertaTiny, tokens: 16),
        ZooModel("distilbert-tiny", "DistilBertModel, 2 layers of width 64, vocabulary 320", inputNames: textInputs,
                 build: { try DistilBertModel(.tiny) }, sampleInput: tokenIds(vocabulary: DistilBertConfig.tiny.vocabSize, tokens: 16)),
    ]

    /// The forward arguments of the text models: `input_ids` by position, the others by keyword.
    public static let textInputs = ["input_ids", "attention_mask", "token_type_ids", "position_ids"]

    public static func model(named name: String) -> ZooModel? {
        models.first { $0.name == name }
    }

    /// torchvision models' sample input: one 224×224 RGB image.
    @Sendable static func image() -> [Value] { [.tensor(Tensor.randn([1, 3, 224, 224]))] }

    /// Language models' sample input: `input_ids` of one sequence of `tokens` random token ids.
    static func tokenIds(vocabulary: Int, tokens: Int) -> @Sendable () throws -> [Value] {
        { [.tensor(try Tensor.randint(0, vocabulary, [1, tokens]))] }
    }

    static func gpt2(_ name: String, _ summary: String, _ config: GPT2Config, tokens: Int = 128, onMeta: Bool = false) -> ZooModel {
        ZooModel(name, summary, onMeta: onMeta, inputNames: textInputs, build: { try GPT2LMHeadModel(config) },
                 sampleInput: tokenIds(vocabulary: config.vocabSize, tokens: tokens))
    }

    static func bert(_ name: String, _ summary: String, _ config: BertConfig, tokens: Int = 128) -> ZooModel {
        ZooModel(name, summary, inputNames: textInputs, build: { try BertModel(config) }, sampleInput: tokenIds(vocabulary: config.vocabSize, tokens: tokens))
    }

    /// Llama checkpoints are billions of parameters: on meta unless tiny.
    static func llama(_ name: String, _ summary: String, _ config: LlamaConfig, tokens: Int = 128, onMeta: Bool = true) -> ZooModel {
        ZooModel(name, summary, onMeta: onMeta, inputNames: textInputs, build: { try LlamaForCausalLM(config) },
                 sampleInput: tokenIds(vocabulary: config.vocabSize, tokens: tokens))
    }
}
