import NNModules

/// torchvision.models.resnet: `BasicBlock` (resnet18/34) and `Bottleneck` (resnet50) stacks with the
/// reference names (`conv1`, `bn1`, `layer1.0.downsample.0`...), initialization and forward.
public final class ResNet: Module {
    /// The residual block family: how it is built and how much it widens its output.
    public enum Block: Sendable {
        case basic, bottleneck

        var expansion: Int { self == .basic ? 1 : 4 }

        func make(_ inplanes: Int, _ planes: Int, stride: Int, downsample: Sequential?) throws -> Module {
            switch self {
            case .basic: return try BasicBlock(inplanes, planes, stride: stride, downsample: downsample)
            case .bottleneck: return try Bottleneck(inplanes, planes, stride: stride, downsample: downsample)
            }
        }
    }

    public init(block: Block, layers: [Int], numClasses: Int = 1000) throws {
        super.init()
        try addModule("conv1", Conv2d(3, 64, kernelSize: 7, stride: 2, padding: 3, bias: false))
        try addModule("bn1", BatchNorm2d(64))
        try addModule("relu", ReLU(inplace: true))
        try addModule("maxpool", MaxPool2d(kernelSize: 3, stride: 2, padding: 1))
        var inplanes = 64
        for (i, (planes, stride)) in zip([64, 128, 256, 512], [1, 2, 2, 2]).enumerated() {
            try addModule("layer\(i + 1)", makeLayer(block, &inplanes, planes, blocks: layers[i], stride: stride))
        }
        try addModule("avgpool", AdaptiveAvgPool2d([1, 1]))
        try addModule("fc", Linear(512 * block.expansion, numClasses))
        for module in modules() {
            if let conv = module as? Conv2d, let weight = conv.weight { try WeightInit.kaimingNormalFanOut(weight) }
        }
    }

    /// torchvision `_make_layer`: the first block strides and, when the shape changes, projects the identity.
    private func makeLayer(_ block: Block, _ inplanes: inout Int, _ planes: Int, blocks: Int, stride: Int) throws -> Sequential {
        let width = planes * block.expansion
        var downsample: Sequential?
        if stride != 1 || inplanes != width {
            downsample = Sequential(try conv1x1(inplanes, width, stride: stride), BatchNorm2d(width))
        }
        var layers = [try block.make(inplanes, planes, stride: stride, downsample: downsample)]
        inplanes = width
        for _ in 1..<blocks { layers.append(try block.make(inplanes, planes, stride: 1, downsample: nil)) }
        return Sequential(layers)
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        var x = try child("conv1", as: Conv2d.self)(input)
        x = try child("bn1", as: BatchNorm2d.self)(x)
        x = try child("relu", as: ReLU.self)(x)
        x = try child("maxpool", as: MaxPool2d.self)(x)
        for name in ["layer1", "layer2", "layer3", "layer4"] { x = try child(name, as: Sequential.self)(x) }
        x = try child("avgpool", as: AdaptiveAvgPool2d.self)(x)
        return try child("fc", as: Linear.self)(try x.flatten(startDim: 1))
    }

    public static func resnet18() throws -> ResNet { try ResNet(block: .basic, layers: [2, 2, 2, 2]) }
    public static func resnet34() throws -> ResNet { try ResNet(block: .basic, layers: [3, 4, 6, 3]) }
    public static func resnet50() throws -> ResNet { try ResNet(block: .bottleneck, layers: [3, 4, 6, 3]) }
}

/// torchvision `conv3x3`: padded 3×3 convolution without bias.
public func conv3x3(_ inPlanes: Int, _ outPlanes: Int, stride: Int = 1) throws -> Conv2d {
    try Conv2d(inPlanes, outPlanes, kernelSize: 3, stride: .int(stride), padding: 1, bias: false)
}

/// torchvision `conv1x1`: 1×1 convolution without bias.
public func conv1x1(_ inPlanes: Int, _ outPlanes: Int, stride: Int = 1) throws -> Conv2d {
    try Conv2d(inPlanes, outPlanes, kernelSize: 1, stride: .int(stride), bias: false)
}

/// The output of a residual block: `relu(out + identity)`, the identity projected by `downsample` if any.
private func residual(_ block: Module, _ out: Tensor, _ input: Tensor) throws -> Tensor {
    let identity = try block.child("downsample").map { try $0(input) } ?? input
    return try block.child("relu", as: ReLU.self)(try out + identity)
}

/// torchvision `BasicBlock`: two 3×3 convolutions (resnet18/34).
public final class BasicBlock: Module {
    public init(_ inplanes: Int, _ planes: Int, stride: Int = 1, downsample: Sequential? = nil) throws {
        super.init()
        try addModule("conv1", conv3x3(inplanes, planes, stride: stride))
        try addModule("bn1", BatchNorm2d(planes))
        try addModule("relu", ReLU(inplace: true))
        try addModule("conv2", conv3x3(planes, planes))
        try addModule("bn2", BatchNorm2d(planes))
        if let downsample { try addModule("downsample", downsample) }
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        var out = try child("bn1", as: BatchNorm2d.self)(try child("conv1", as: Conv2d.self)(input))
        out = try child("relu", as: ReLU.self)(out)
        out = try child("bn2", as: BatchNorm2d.self)(try child("conv2", as: Conv2d.self)(out))
        return try residual(self, out, input)
    }
}

/// torchvision `Bottleneck`: 1×1 reduce, strided 3×3, 1×1 expand by 4 (resnet50).
public final class Bottleneck: Module {
    public init(_ inplanes: Int, _ planes: Int, stride: Int = 1, downsample: Sequential? = nil) throws {
        super.init()
        try addModule("conv1", conv1x1(inplanes, planes))
        try addModule("bn1", BatchNorm2d(planes))
        try addModule("conv2", conv3x3(planes, planes, stride: stride))
        try addModule("bn2", BatchNorm2d(planes))
        try addModule("conv3", conv1x1(planes, planes * 4))
        try addModule("bn3", BatchNorm2d(planes * 4))
        try addModule("relu", ReLU(inplace: true))
        if let downsample { try addModule("downsample", downsample) }
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        let relu = try child("relu", as: ReLU.self)
        var out = try relu(try child("bn1", as: BatchNorm2d.self)(try child("conv1", as: Conv2d.self)(input)))
        out = try relu(try child("bn2", as: BatchNorm2d.self)(try child("conv2", as: Conv2d.self)(out)))
        out = try child("bn3", as: BatchNorm2d.self)(try child("conv3", as: Conv2d.self)(out))
        return try residual(self, out, input)
    }
}
