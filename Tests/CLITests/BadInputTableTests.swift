import Checkpoints
import Foundation
import GoldenSupport
import Testing

/// The README's "Bad input" table is the spec: every row is run as written against the real binary, with the
/// files it names made here from the goldens, and must print the row's message with the row's exit status
/// (no crash, no hang: the run has a timeout). Changing what nntop says means changing the README too.
@Suite struct BadInputTableTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let command: [String]
        let message: String
        let exit: Int32
        var testDescription: String { command.joined(separator: " ") }
    }

    /// The table's rows (empty when the README lacks the section, which `theTableIsThere` reports).
    static func rows() -> [Row] {
        let readme = Goldens.repositoryRoot.appendingPathComponent("README.md")
        guard let text = try? String(contentsOf: readme, encoding: .utf8),
              let start = text.range(of: "\n## Bad input\n") else { return [] }
        let section = text[start.upperBound...].prefix { _ in true }
        var rows: [Row] = []
        for line in section.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") { break }
            guard line.hasPrefix("| "), line.hasSuffix(" |"), !line.hasPrefix("| bad input"), !line.hasPrefix("| ---") else { continue }
            let cells = line.dropFirst(2).dropLast(2).components(separatedBy: " | ")
            guard cells.count == 4, let exit = Int32(cells[3]) else { continue }
            let command = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let message = cells[2].trimmingCharacters(in: CharacterSet(charactersIn: "` "))
            rows.append(Row(command: command.split(separator: " ").map(String.init), message: message, exit: exit))
        }
        return rows
    }

    @Test func theTableIsThere() {
        #expect(Self.rows().count >= 20)
        #expect(Self.rows().allSatisfy { $0.command.first == "nntop" })
    }

    @Test(arguments: rows())
    func eachRowIsWhatNNTopSays(row: Row) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-bad-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.makeFixtures(in: folder)
        // A word that names a fixture becomes its path; everything else is passed as written.
        let arguments = row.command.dropFirst().map { word in
            FileManager.default.fileExists(atPath: folder.appendingPathComponent(word).path) ? folder.appendingPathComponent(word).path : word
        }
        let out = try NNTopBinary.run(Array(arguments), timeout: 120)
        let said = out.stderr.split(whereSeparator: { $0 == "\n" || $0 == "\t" || $0 == " " }).joined(separator: " ")
        #expect(out.status == row.exit, "exit \(out.status): \(said)")
        #expect(Self.matches(said, row.message), "said: \(said)")
    }

    /// `…` in the table stands for any text (a folder, a long list).
    static func matches(_ text: String, _ pattern: String) -> Bool {
        let pieces = pattern.components(separatedBy: "…")
        guard pieces.count > 1 else { return text == pattern }
        guard text.hasPrefix(pieces[0]) else { return false }
        var rest = text.dropFirst(pieces[0].count)
        for piece in pieces.dropFirst().dropLast() {
            guard let found = rest.range(of: piece) else { return false }
            rest = rest[found.upperBound...]
        }
        return rest.hasSuffix(pieces[pieces.count - 1])
    }

    /// The files the table's commands name.
    static func makeFixtures(in folder: URL) throws {
        func file(_ name: String) -> URL { folder.appendingPathComponent(name) }
        let checkpoints = try Goldens.url("checkpoints")
        try Data("hello\n".utf8).write(to: file("notes.txt"))
        try Data().write(to: file("empty.safetensors"))
        let control = try Data(contentsOf: checkpoints.appendingPathComponent("safetensors/valid_control.safetensors"))
        try control.prefix(70).write(to: file("truncated.safetensors"))
        try FileManager.default.copyItem(at: checkpoints.appendingPathComponent("safetensors/header_not_json.safetensors"), to: file("corrupt.safetensors"))
        try FileManager.default.copyItem(at: checkpoints.appendingPathComponent("safetensors/header_length_huge.safetensors"), to: file("huge-header.safetensors"))
        try Data(contentsOf: checkpoints.appendingPathComponent("seed_mlp_state_dict.pt")).prefix(1200).write(to: file("truncated.pt"))
        try FileManager.default.copyItem(at: checkpoints.appendingPathComponent("malicious_os_system.pt"), to: file("malicious.pt"))
        let archive = try Data(contentsOf: try Goldens.url("export/custom_cnn/model.pt2"))
        try archive.prefix(archive.count / 2).write(to: file("truncated.pt2"))
        try FileManager.default.createDirectory(at: file("empty-folder"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: file("hf-no-weights"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: try Goldens.url("numeric/gpt2-tiny/config.json"), to: file("hf-no-weights/config.json"))
        try FileManager.default.createDirectory(at: file("unknown-type"), withIntermediateDirectories: true)
        try Data(#"{"model_type": "mamba2", "architectures": ["Mamba2ForCausalLM"]}"#.utf8).write(to: file("unknown-type/config.json"))
        try control.write(to: file("unknown-type/model.safetensors"))
        // seed_mlp's state dict (two Linear(2, 2)), then one wrong shape, one key too many, one missing.
        func zeros(_ shape: [Int]) -> SafetensorsWriter.Tensor {
            SafetensorsWriter.Tensor(dtype: .f32, shape: shape, bytes: Data(count: 4 * shape.reduce(1, *)))
        }
        let seedMLP = ["0.weight": zeros([2, 2]), "0.bias": zeros([2]), "2.weight": zeros([2, 2]), "2.bias": zeros([2])]
        var wrongShape = seedMLP
        wrongShape["0.weight"] = zeros([3, 2])
        try SafetensorsWriter.save(tensors: wrongShape, to: file("wrong-shape.safetensors"))
        var unknownKey = seedMLP
        unknownKey["3.weight"] = zeros([2, 2])
        try SafetensorsWriter.save(tensors: unknownKey, to: file("unknown-key.safetensors"))
        var missingKey = seedMLP
        missingKey["2.bias"] = nil
        try SafetensorsWriter.save(tensors: missingKey, to: file("missing-key.safetensors"))
        try SafetensorsWriter.save(tensors: ["input": zeros([2, 3])], to: file("bad-input.safetensors"))
        let brokenSession = #"{"format": "nntop-session", "schema_version": 1, "tree": {"name": "M", "source": "x", "training": false, "#
            + #""modules": [{"name": "", "class": "M", "parent": 3, "params": [], "buffers": [], "shared": false, "lazy": false}], "parameters": []}}"#
        try Data(brokenSession.utf8).write(to: file("broken-session.json"))
    }
}
