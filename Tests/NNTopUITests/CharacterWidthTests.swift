import Testing
@testable import NNTopUI

@Suite struct CharacterWidthTests {
    @Test func characterWidths() {
        #expect(CharacterWidth.of("a") == 1)
        #expect(CharacterWidth.of("▾") == 1)
        #expect(CharacterWidth.of("模") == 2)
        #expect(CharacterWidth.of("conv模型") == 8)
    }
}
