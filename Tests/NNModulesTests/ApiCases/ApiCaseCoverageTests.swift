import Foundation
import Testing

/// What the case test sources (`ApiCases/*CaseTests.swift`, read beside this file) cover: a `@Test func`
/// is named after its case id; a parameterized test lists its ids as the first string of each argument
/// tuple (the common repr cases come from `ReprCaseTests.standard`); a case Swift's type system makes
/// impossible is named in a `// compiler-enforced: <id>` comment beside its group.
struct ApiCaseSources {
    var tested: [String] = ReprCaseTests.standard.map(\.id)
    var compilerEnforced: [String] = []

    init() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasSuffix("CaseTests.swift") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        for file in files {
            let source = try String(contentsOf: file, encoding: .utf8)
            tested += Self.captures(#"@Test(?:\("[^"]*"\))?\s+func\s+(\w+)\s*\("#, in: source)
            for list in Self.captures(#"@Test\(arguments:\s*\[(.*?)\]\)\s+func"#, in: source) {
                tested += Self.captures(#"\(\s*"(\w+)""#, in: list)
            }
            compilerEnforced += Self.captures(#"// compiler-enforced: (\w+)"#, in: source)
        }
    }

    private static func captures(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}

@Suite("api_cases: coverage")
struct ApiCaseCoverageTests {
    @Test func everyCaseHasATest() throws {
        let ids = try ApiCase.allCases().map(\.id)
        let sources = try ApiCaseSources()
        let covered = sources.tested + sources.compilerEnforced
        #expect(sources.tested.count > 100, "the case test sources were not found beside this file")
        #expect(Dictionary(grouping: covered, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted() == [],
                "ids tested twice, or both tested and documented as compiler-enforced")
        #expect(Set(ids).subtracting(covered).sorted() == [], "cases without a test")
        #expect(Set(covered).subtracting(ids).sorted() == [], "tests for ids that are not in api_cases.json")
    }
}
