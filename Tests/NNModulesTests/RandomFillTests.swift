import Foundation
@testable import NNModules
import Testing

/// Large float32 fills draw SplitMix64 streams in parallel; small ones (and everything inside
/// `withTorchSequence`) keep PyTorch's Mersenne Twister sequence element by element.
@Suite struct RandomFillTests {
    static let large = RandomFill.torchSequenceLimit * 4 + 7

    /// Fraction of `values` within `bound` of zero.
    static func fraction(_ values: [Double], within bound: Double) -> Double {
        Double(values.filter { abs($0) < bound }.count) / Double(values.count)
    }

    @Test func largeNormalFillsAreStandardNormal() throws {
        let values = try DefaultGenerator.forkRNG(seed: 1) { try Tensor.randn([Self.large]).toDoubles() }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        #expect(abs(mean) < 5 / n.squareRoot())
        #expect(abs(variance - 1) < 0.01)
        // Φ(1) − Φ(−1), Φ(2) − Φ(−2), Φ(3) − Φ(−3): the shape, not just the moments.
        #expect(abs(Self.fraction(values, within: 1) - 0.682_689) < 0.004)
        #expect(abs(Self.fraction(values, within: 2) - 0.954_500) < 0.002)
        #expect(abs(Self.fraction(values, within: 3) - 0.997_300) < 0.0006)
        #expect(values.allSatisfy { $0.isFinite })
        let scaled = try DefaultGenerator.forkRNG(seed: 1) { try Tensor.empty([Self.large]).normal_(mean: 3, std: 0.5).toDoubles() }
        #expect(zip(scaled, values).allSatisfy { abs($0 - (3 + 0.5 * $1)) < 1e-5 })
    }

    @Test func largeUniformFillsCoverTheRange() throws {
        let values = try DefaultGenerator.forkRNG(seed: 2) { try Tensor.empty([Self.large]).uniform_(-2, 3).toDoubles() }
        #expect(values.allSatisfy { $0 >= -2 && $0 < 3 })
        let mean = values.reduce(0, +) / Double(values.count)
        #expect(abs(mean - 0.5) < 0.01)
        let lowFifth = Double(values.filter { $0 < -1 }.count) / Double(values.count)
        #expect(abs(lowFifth - 0.2) < 0.004)
    }

    /// A seed repeats a fill, another seed changes it, and element i does not depend on the tensor's length
    /// (so it cannot depend on how the elements were split between threads either).
    @Test func fillsRepeatPerSeedAndElementsDependOnlyOnTheirIndex() throws {
        let first = try DefaultGenerator.forkRNG(seed: 7) { try Tensor.randn([Self.large]).toDoubles() }
        #expect(try DefaultGenerator.forkRNG(seed: 7) { try Tensor.randn([Self.large]).toDoubles() } == first)
        let other = try DefaultGenerator.forkRNG(seed: 8) { try Tensor.randn([Self.large]).toDoubles() }
        #expect(zip(first, other).filter { $0 == $1 }.count < 10)
        let shorter = try DefaultGenerator.forkRNG(seed: 7) { try Tensor.randn([Self.large - 40]).toDoubles() }
        #expect(Array(first.prefix(shorter.count)) == shorter)
        let pairs = DefaultGenerator.forkRNG(seed: 7) { (Tensor.randn([Self.large]), Tensor.randn([Self.large])) }
        #expect(try pairs.0.toDoubles() != pairs.1.toDoubles())
    }

    /// Small tensors and `withTorchSequence` draw PyTorch's uniform floats from the Mersenne Twister in order.
    @Test func smallFillsAndTheTorchSequenceFollowPyTorchsGenerator() throws {
        func twister(_ seed: UInt64, _ n: Int) -> [Double] {
            var generator = MersenneTwister(seed: seed)
            return (0..<n).map { _ in Double(generator.uniformFloat(0, 1)) }
        }
        #expect(try DefaultGenerator.forkRNG(seed: 0) { try Tensor.rand([1000]).toDoubles() } == twister(0, 1000))
        let large = try DefaultGenerator.forkRNG(seed: 3) {
            try DefaultGenerator.withTorchSequence { try Tensor.rand([Self.large]).toDoubles() }
        }
        #expect(large == twister(3, Self.large))
    }

    @Test(arguments: [1e-30, 1e-7, 5.960_464_5e-8, 0.1, 0.5, 0.707, 0.708, 0.999_999, 1])
    func logarithmMatchesLibm(x: Float) {
        let y = Double(RandomFill.logarithm(x))
        #expect(abs(y - Foundation.log(Double(x))) < 2e-6 * max(1, abs(Foundation.log(Double(x)))))
    }

    @Test(arguments: [0, 1e-30, 1e-7, 0.5, 1, 2, 33.27, 1e6])
    func squareRootMatchesLibm(v: Float) {
        #expect(abs(Double(RandomFill.squareRoot(v)) - Double(v).squareRoot()) <= 2e-7 * Double(v).squareRoot())
    }

    /// The angle's quarter turn and offset, rotated by bit masks, equal libm's cosine and sine of that angle.
    @Test func circlePointsMatchLibm() {
        for step in 0..<4096 {
            let bits = UInt32(step) &* 4097 & 0xFF_FFFF
            let quarter = Double(bits >> 22), offset = Double(bits & 0x3F_FFFF) / Double(1 << 22) - 0.5
            let angle = (quarter + offset) * Double.pi / 2
            let (cosine, sine) = RandomFill.circlePoint(bits)
            #expect(abs(Double(cosine) - Foundation.cos(angle)) < 1e-6)
            #expect(abs(Double(sine) - Foundation.sin(angle)) < 1e-6)
        }
    }
}
