import NNModules
import Testing

/// torchvision's blocks subclass `nn.Sequential` (`class _DenseLayer(nn.Sequential)`, `_Transition`,
/// `Conv2dNormActivation`): the subclass registers its children, prints its own class name and runs them in order.
@Suite struct SequentialSubclassTests {
    final class Block: Sequential {
        init(_ inFeatures: Int, _ outFeatures: Int) throws {
            super.init([])
            try addModule("fc", Linear(inFeatures, outFeatures))
            try addModule("relu", ReLU())
        }
    }

    @Test func subclassRegistersPrintsAndRunsItsChildren() throws {
        let block = try Block(2, 2)
        #expect(block.namedModules().map(\.name) == ["", "fc", "relu"])
        #expect(block.count == 2)
        #expect(block.description == """
            Block(
              (fc): Linear(in_features=2, out_features=2, bias=True)
              (relu): ReLU()
            )
            """)
        let fc = try #require(try block[0] as? Linear)
        try setParameter(fc, "weight", [1, -1, 2, 1])
        try setParameter(fc, "bias", [0, 0.5])
        try expectClose(try block(tensor([1, 2, 3, -4], [2, 2])), [0, 4.5, 7, 2.5])
    }
}
