import Testing
@Test func NNTopUITestsTargetBuilds() { #expect(Bool(true)) }
