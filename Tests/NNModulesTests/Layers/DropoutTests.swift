import NNModules
import Testing

/// Dropout: identity in eval mode, zero-or-scaled in training, seedable through the default generator,
/// p = 0 / p = 1, inplace.
@Suite struct DropoutTests {
    @Test func evalIsTheIdentity() throws {
        let x = Tensor.randn([4, 4])
        let dropout = try Dropout(p: 0.5)
        dropout.eval()
        #expect(try dropout(x) === x)
    }

    @Test func trainingZeroesAboutPAndScalesTheRest() throws {
        let x = Tensor.ones([100, 100])
        let y = try Dropout(p: 0.25)(x).toDoubles()
        let zeros = y.filter { $0 == 0 }.count
        #expect(y.allSatisfy { $0 == 0 || Swift.abs($0 - 1 / 0.75) < 1e-6 })
        #expect(Swift.abs(Double(zeros) / 10_000 - 0.25) < 0.03)
        #expect(try Dropout(p: 0)(x) === x)
        #expect(try Dropout(p: 1)(x).toDoubles().allSatisfy { $0 == 0 })
    }

    /// Re-seeding gives the same mask. Other tests draw from the shared generator in parallel, so a draw may
    /// slip between seeding and dropping; a few attempts make that harmless, while unseeded masks of 1000
    /// elements never coincide.
    @Test func seedingTheDefaultGeneratorRepeatsTheMask() throws {
        let x = Tensor.ones([1000]), dropout = try Dropout()
        func seeded() throws -> [Double] {
            DefaultGenerator.manualSeed(1234)
            return try dropout(x).toDoubles()
        }
        #expect(try (0..<5).contains { _ in try seeded() == seeded() })
    }

    /// torch.random.fork_rng: a seeded generator of the task's own, whatever other threads draw meanwhile.
    @Test func aForkedGeneratorRepeatsTheMaskWithoutTouchingTheGlobalOne() throws {
        let x = Tensor.ones([1000]), dropout = try Dropout()
        let first = try DefaultGenerator.forkRNG(seed: 7) { try dropout(x).toDoubles() }
        let second = try DefaultGenerator.forkRNG(seed: 7) { try dropout(x).toDoubles() }
        #expect(first == second)
        #expect(try DefaultGenerator.forkRNG(seed: 8) { try dropout(x).toDoubles() } != first)
    }

    @Test func inplaceOverwritesTheInput() throws {
        let x = Tensor.ones([50])
        let y = try Dropout(p: 0.5, inplace: true)(x)
        #expect(y === x)
        #expect(try x.toDoubles().contains(0))
        #expect(torchErrorMessage { try Dropout(p: 1.5) } == "dropout probability has to be between 0 and 1, but got 1.5")
    }
}
