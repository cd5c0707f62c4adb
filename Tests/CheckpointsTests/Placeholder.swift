import Testing
@Test func CheckpointsTestsTargetBuilds() { #expect(Bool(true)) }
