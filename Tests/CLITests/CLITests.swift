import Foundation
import GoldenSupport
import Testing

@Suite struct CLITests {
    @Test func listNamesTheZoo() throws {
        let out = try NNTopBinary.run(["list"])
        #expect(out.status == 0)
        #expect(out.stdout.contains("seed_mlp"))
        #expect(out.stdout.contains("lenet5"))
    }

    /// `MODEL` arguments and the structure golden each must reproduce: zoo names, and golden files and
    /// folders (paths relative to the goldens) that nntop recognises or builds from `config.json`.
    static let sources: [(argument: String, golden: String)] = [
        ("seed_mlp", "seed_mlp"), ("lenet5", "lenet5"),
        ("numeric/seed_mlp/weights.safetensors", "seed_mlp"), ("numeric/lenet5/weights.safetensors", "lenet5"),
        ("checkpoints/seed_mlp_state_dict.pt", "seed_mlp"), ("checkpoints/seed_mlp_state_dict_legacy.pt", "seed_mlp"),
        ("checkpoints/seed_mlp_fp16.pt", "seed_mlp"), ("checkpoints/seed_mlp_bf16.pt", "seed_mlp"),
        ("numeric/gpt2-tiny", "gpt2-tiny"), ("numeric/bert-tiny", "bert-tiny"), ("numeric/llama-tiny", "llama-tiny"),
    ]

    /// A zoo name as is, a golden path made absolute.
    static func argument(_ source: String) throws -> String {
        source.contains("/") ? try Goldens.url(source).path : source
    }

    @Test(arguments: sources)
    func reprPrintsWhatPyTorchPrints(source: (argument: String, golden: String)) throws {
        let out = try NNTopBinary.run(["repr", try Self.argument(source.argument)])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout == (try Goldens.text("models/\(source.golden)/repr.txt")))
    }

    @Test(arguments: sources)
    func summaryJSONRowsHaveTheGoldenFields(source: (argument: String, golden: String)) throws {
        let out = try NNTopBinary.run(["summary", try Self.argument(source.argument), "--json"])
        #expect(out.status == 0, "\(out.stderr)")
        let rows = out.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let golden = try StructureGolden(source.golden)
        #expect(rows.count == golden.modules.count)
        for (row, expected) in zip(rows, golden.modules) {
            for field in StructureGolden.moduleFields {
                #expect(StructureGolden.canonical(row[field]) == StructureGolden.canonical(expected[field]), "\(field)")
            }
        }
    }

    @Test func summaryTableShowsOutputShapesAndTotals() throws {
        let out = try NNTopBinary.run(["summary", "lenet5"])
        #expect(out.status == 0)
        #expect(out.stdout.contains("[2, 6, 24, 24]"))
        #expect(out.stdout.contains("Total params: 44,426"))
        let shallow = try NNTopBinary.run(["summary", "lenet5", "--depth", "0"])
        #expect(!shallow.stdout.contains("Conv2d"))
    }

    @Test func unknownModelIsAClearErrorWithNonZeroExit() throws {
        let out = try NNTopBinary.run(["summary", "no_such_model"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("unknown model 'no_such_model'"))
    }
}
