import Testing
@Test func NNModulesTestsTargetBuilds() { #expect(Bool(true)) }
