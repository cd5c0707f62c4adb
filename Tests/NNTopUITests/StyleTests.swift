import Testing
@testable import NNTopUI

@Suite struct StyleTests {
    @Test func monochromeUsesOnlyBoldAndReverse() {
        for style in Style.allCases {
            let attributes = Palette.attributes(for: style, mode: .mono)
            #expect(attributes.foreground == nil && attributes.background == nil)
        }
        #expect(Palette.attributes(for: .selection, mode: .mono).reverse)
    }

    @Test func basicModeStaysWithinEightColors() {
        for style in Style.allCases {
            let attributes = Palette.attributes(for: style, mode: .basic16)
            #expect((attributes.foreground ?? 0) < 8 && (attributes.background ?? 0) < 8)
        }
    }

    @Test func selectedRowIsHighlightedAndSearchHitsMarked() {
        var state = AppState(model: Fixtures.resNet(), size: TerminalSize(width: 100, height: 30))
        state.press(.down)
        var buffer = render(state)
        let body = ScreenLayout(state: state).treeBody
        #expect(buffer[0, body.y + 1].style == .selection)
        #expect(buffer[0, body.y].style != .selection)
        state.press(.tab)
        buffer = render(state)
        #expect(buffer[0, body.y + 1].style == .selectionInactive)
        state.press(.tab, .tab, .char("/"))
        state.type("relu")
        state.press(.enter, .up)
        buffer = render(state)
        let reluLine = body.y + (state.visible.line(of: state.row(named: "relu")) ?? 0)
        #expect(buffer[4, reluLine].style == .match)
    }

    @Test func wideCharactersTakeTwoCells() {
        var buffer = ScreenBuffer(width: 6, height: 1)
        let end = buffer.put("a模型b", x: 0, y: 0)
        #expect(end == 6)
        #expect(buffer[2, 0].character == nil)
        #expect(buffer.text == "a模型b")
        var clipped = ScreenBuffer(width: 4, height: 1)
        clipped.put("ab模型", x: 0, y: 0)
        #expect(clipped.text == "ab模")
    }
}
