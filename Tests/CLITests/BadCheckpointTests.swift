import Foundation
import GoldenSupport
import Testing

/// Every broken or malicious sample of the goldens' `checkpoints/` is refused by the real binary with
/// `nntop: <file>: <what>` and a non-zero exit: no crash (a signal), no hang (the run's timeout).
@Suite struct BadCheckpointTests {
    /// The samples that are valid checkpoints; every other file there (the manifest included) must be refused.
    static let loadable: Set<String> = [
        "seed_mlp_state_dict.pt", "seed_mlp_state_dict_legacy.pt", "seed_mlp_fp16.pt", "seed_mlp_bf16.pt",
        "tied_state_dict.pt", "seed_mlp_full_model.pt", "valid_all_dtypes.safetensors", "valid_control.safetensors", "header_unpadded.safetensors",
    ]

    static func badFiles() throws -> [URL] {
        let folders = [try Goldens.url("checkpoints"), try Goldens.url("checkpoints/safetensors")]
        return try folders.flatMap { folder in
            try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
                .filter { try $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true }
                .filter { !loadable.contains($0.lastPathComponent) }
        }.sorted { $0.path < $1.path }
    }

    @Test(arguments: ["summary", "repr"])
    func everyBadFileIsAClearError(command: String) throws {
        let files = try Self.badFiles()
        #expect(files.count >= 20)
        for file in files {
            let out = try NNTopBinary.run([command, file.path], timeout: 60)
            #expect(out.status == 1, "\(file.lastPathComponent): exit \(out.status)")
            #expect(out.stderr.hasPrefix("nntop: \(file.path): "), "\(file.lastPathComponent): \(out.stderr)")
            #expect(out.stdout.isEmpty)
        }
    }

    @Test func picklesNamingAGlobalAreRefusedByName() throws {
        let cases = ["malicious_os_system.pt": "os.system", "malicious_raw_pickle.pkl": "os.system"]
        for (file, global) in cases {
            let out = try NNTopBinary.run(["summary", try Goldens.url("checkpoints/\(file)").path])
            #expect(out.status == 1)
            #expect(out.stderr.contains("unsupported global: \(global)"), "\(file): \(out.stderr)")
        }
    }

    @Test func missingPathsAndEmptyFoldersAreClearErrors() throws {
        let missing = try NNTopBinary.run(["summary", "/nonexistent/model.safetensors"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("unknown model '/nonexistent/model.safetensors'"))

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = try NNTopBinary.run(["summary", folder.path])
        #expect(empty.status == 1)
        #expect(empty.stderr.hasPrefix("nntop: \(folder.path): folder holds no model.safetensors"), "\(empty.stderr)")

        // A Hugging Face folder whose weights are missing says so too.
        try FileManager.default.copyItem(at: try Goldens.url("numeric/gpt2-tiny/config.json"),
                                         to: folder.appendingPathComponent("config.json"))
        let noWeights = try NNTopBinary.run(["repr", folder.path])
        #expect(noWeights.status == 1)
        #expect(noWeights.stderr.contains("folder holds no model.safetensors"), "\(noWeights.stderr)")
    }

    /// A file that is no checkpoint at all (a text file, an empty file) says so, instead of a pickle error.
    @Test(arguments: ["root:x:0:0:root:/root:/bin/bash\n", ""])
    func aFileThatIsNoCheckpointSaysSo(content: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-notes-\(UUID().uuidString).bin")
        try Data(content.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let out = try NNTopBinary.run(["summary", file.path])
        #expect(out.status == 1)
        #expect(out.stderr.hasPrefix("nntop: \(file.path): not a checkpoint"), "\(out.stderr)")
        #expect(!out.stderr.contains("pickle #0"), "no unpickler error: \(out.stderr)")
    }
}
