import NNModules

/// torchvision.ops.misc `Conv2dNormActivation`: convolution (padding `(k-1)/2`, no bias before a norm),
/// BatchNorm2d, then the activation, as children `0`, `1`, `2`.
public final class Conv2dNormActivation: SequentialBlock {
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int = 3, stride: Int = 1, groups: Int = 1,
                activation: () -> Module = { ReLU(inplace: true) }) throws {
        let padding = (kernelSize - 1) / 2
        try super.init([
            try Conv2d(inChannels, outChannels, kernelSize: .int(kernelSize), stride: .int(stride),
                       padding: .explicit(.int(padding)), groups: groups, bias: false),
            BatchNorm2d(outChannels),
            activation(),
        ])
    }
}

/// torchvision `InvertedResidual`: optional 1×1 expansion, depthwise 3×3, linear 1×1 projection, and a
/// skip connection when the block keeps its shape.
public final class InvertedResidual: Module {
    public let useResConnect: Bool

    public init(_ inp: Int, _ oup: Int, stride: Int, expandRatio: Int) throws {
        useResConnect = stride == 1 && inp == oup
        super.init()
        let hidden = inp * expandRatio
        var layers: [Module] = []
        if expandRatio != 1 {
            layers.append(try Conv2dNormActivation(inp, hidden, kernelSize: 1, activation: { ReLU6(inplace: true) }))
        }
        layers.append(try Conv2dNormActivation(hidden, hidden, stride: stride, groups: hidden, activation: { ReLU6(inplace: true) }))
        layers.append(try Conv2d(hidden, oup, kernelSize: 1, stride: 1, padding: 0, bias: false))
        layers.append(BatchNorm2d(oup))
        try addModule("conv", Sequential(layers))
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        let out = try child("conv", as: Sequential.self)(input)
        return useResConnect ? try input + out : out
    }
}

/// torchvision `MobileNetV2` (width 1.0): 19 feature stages and a dropout + linear classifier.
public final class MobileNetV2: Module {
    /// torchvision's `inverted_residual_setting`: expansion t, channels c, repeats n, first stride s.
    static let settings: [(t: Int, c: Int, n: Int, s: Int)] = [
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    ]

    public init(numClasses: Int = 1000, dropout: Double = 0.2) throws {
        super.init()
        let relu6: () -> Module = { ReLU6(inplace: true) }
        var input = 32
        let lastChannel = 1280
        var features: [Module] = [try Conv2dNormActivation(3, input, stride: 2, activation: relu6)]
        for setting in MobileNetV2.settings {
            for i in 0..<setting.n {
                features.append(try InvertedResidual(input, setting.c, stride: i == 0 ? setting.s : 1, expandRatio: setting.t))
                input = setting.c
            }
        }
        features.append(try Conv2dNormActivation(input, lastChannel, kernelSize: 1, activation: relu6))
        try addModule("features", Sequential(features))
        try addModule("classifier", Sequential(try Dropout(p: dropout), Linear(lastChannel, numClasses)))
        for module in modules() {
            if let conv = module as? Conv2d, let weight = conv.weight {
                try WeightInit.kaimingNormalFanOut(weight)
                try conv.bias?.zero_()
            } else if let linear = module as? Linear {
                try linear.weight?.normal_(mean: 0, std: 0.01)
                try linear.bias?.zero_()
            }
        }
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        let x = try child("features", as: Sequential.self)(input)
        // nn.functional.adaptive_avg_pool2d(x, (1, 1)) then flatten: the spatial mean per channel.
        let pooled = try x.mean(dims: [2, 3])
        return try child("classifier", as: Sequential.self)(pooled)
    }
}
