import ModelZoo
import NNModules
import Testing

/// torchvision models run their forward: on the meta device at full size (shapes only), and with real
/// data on reduced configurations small enough for debug builds.
@Suite struct VisionForwardTests {
    @Test(arguments: ["resnet18", "resnet34", "resnet50", "mobilenet_v2", "vit_b_16"])
    func metaForwardGivesLogits(name: String) throws {
        let entry = try #require(Zoo.model(named: name))
        let model = try entry.build(on: .meta)
        let output = try model.call(try entry.sampleInput(on: .meta))
        #expect(output.tensor?.sizes == [1, 1000])
        #expect(output.tensor?.isMeta == true)
    }

    /// Runs `module` on real data and checks the output shape and that every value is finite.
    static func expectFinite(_ module: Module, _ input: Tensor, shape: [Int]) throws {
        let output = try module(input)
        #expect(output.sizes == shape)
        #expect(try output.toDoubles().allSatisfy(\.isFinite))
    }

    /// Full-width ResNets and MobileNetV2 take seconds to initialize in debug builds; their blocks are small.
    @Test func residualBlocksComputeFiniteOutputs() throws {
        let basic = try BasicBlock(8, 16, stride: 2, downsample: Sequential(try conv1x1(8, 16, stride: 2), BatchNorm2d(16)))
        try Self.expectFinite(basic, Tensor.randn([2, 8, 8, 8]), shape: [2, 16, 4, 4])
        let bottleneck = try Bottleneck(16, 4)
        try Self.expectFinite(bottleneck, Tensor.randn([1, 16, 8, 8]), shape: [1, 16, 8, 8])
    }

    @Test func invertedResidualsComputeFiniteOutputs() throws {
        try Self.expectFinite(try InvertedResidual(8, 8, stride: 1, expandRatio: 6), Tensor.randn([1, 8, 8, 8]), shape: [1, 8, 8, 8])
        try Self.expectFinite(try InvertedResidual(8, 16, stride: 2, expandRatio: 1), Tensor.randn([1, 8, 8, 8]), shape: [1, 16, 4, 4])
    }

    @Test func smallVisionTransformerComputesFiniteLogits() throws {
        let model = try VisionTransformer(imageSize: 32, patchSize: 16, numLayers: 2, numHeads: 2, hiddenDim: 16,
                                          mlpDim: 32, numClasses: 10)
        // The reference zero-initializes the head; give it weights so the logits depend on the input.
        let head = try #require(try model.getSubmodule("heads.head") as? Linear)
        try #require(head.weight).normal_()
        try Self.expectFinite(model, Tensor.randn([2, 3, 32, 32]), shape: [2, 10])
    }
}
