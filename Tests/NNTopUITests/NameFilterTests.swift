import ModelView
import Testing
@testable import NNTopUI

/// The filter's regex and the search answer a keystroke on a big tree from byte scans; they must accept
/// exactly the names Swift's `Regex` and a case-insensitive substring search accept.
@Suite struct NameFilterTests {
    static let names = [
        "", "embed", "blocks", "blocks.0", "blocks.0.attn", "blocks.0.attn.q", "blocks.12.mlp.fc1", "blocks.12.mlp.act",
        "layers.3.self_attn.q_proj", "layers.30.self_attn.k_proj", "model.layers.60.mlp", "head", "a.b", "a+b", "ab",
        "encoder.layer.11.attention.output.dense", "blocks.1.attn.o",
    ]

    static let patterns = [
        "blocks", "blocks\\.", "^blocks\\.0$", "attn$", "^head", "^$", "\\.", "a\\+b", "layers\\.\\d+\\.self_attn",
        "blocks\\.1[0-9]*\\.mlp", "layers?\\.3", "(attn|mlp)\\.", "q_proj|k_proj", "b+", "a.b", "blo(c)ks\\.0",
        "layers\\.3(0)?\\.", "blocks\\.[0-9]+\\.attn\\.[a-z0-9_]+$", "x*blocks", "blocks{1}", "(?i)BLOCKS", "\\bhead\\b",
        "se.f_attn", "[.]attn", "dense$|^embed",
    ]

    @Test(arguments: patterns)
    func regexFilterAcceptsWhatSwiftRegexAccepts(pattern: String) throws {
        let regex = try Regex(pattern)
        let prepared = try #require(NameRegex(pattern))
        for name in Self.names {
            #expect(prepared.matches(name) == name.contains(regex), "pattern \(pattern) on \(name)")
        }
    }

    @Test func literalsAreFoundWithoutTheRegexEngine() {
        #expect(NameRegex.pureLiteral("blocks\\.12")?.bytes == Array("blocks.12".utf8))
        #expect(NameRegex.pureLiteral("^head$").map { ($0.start, $0.end) } ?? (false, false) == (true, true))
        #expect(NameRegex.pureLiteral("blocks.12") == nil)
        #expect(NameRegex.pureLiteral("\\d") == nil)
    }

    @Test func requiredLiteralsSkipOptionalParts() {
        #expect(NameRegex.requiredLiteral("layers\\.\\d+\\.self_attn") == Array(".self_attn".utf8))
        #expect(NameRegex.requiredLiteral("layers?\\.3") == Array("layer".utf8))
        #expect(NameRegex.requiredLiteral("b+") == Array("b".utf8))
        #expect(NameRegex.requiredLiteral("q_proj|k_proj").isEmpty)
        #expect(NameRegex.requiredLiteral("(?i)blocks").isEmpty)
        #expect(NameRegex.requiredLiteral("blocks{1}") == Array("block".utf8))
    }

    @Test func invalidPatternsTurnTheFilterOff() {
        #expect(NameRegex("blocks\\") == nil)
        #expect(NameRegex("[a-") == nil)
    }

    @Test func searchMatchesNamesAndClassesIgnoringCase() {
        let tree = ModelTree(name: "M", source: "t", modules: [
            ModuleNode(name: "", className: "GPT2Model", parent: nil),
            ModuleNode(name: "h.0.attn", className: "GPT2Attention", parent: 0),
            ModuleNode(name: "ln_f", className: "LayerNorm", parent: 0),
        ], parameters: [])
        let text = SearchText(tree)
        #expect(text.name(1, contains: SearchText.needle("H.0")))
        #expect(!text.name(2, contains: SearchText.needle("norm")))
        #expect(text.className(2, contains: SearchText.needle("norm")))
        #expect(text.className(0, contains: SearchText.needle("")))
        #expect(!text.name(3, contains: SearchText.needle("x")))
    }
}
