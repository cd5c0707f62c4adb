import Foundation
import GoldenSupport
import Testing
@testable import Checkpoints

@Suite struct SafetensorsGoldenTests {
    /// Every file under checkpoints/safetensors loads as `load_file` did, or fails with its message.
    @Test func everyRecordedFileBehavesAsRecorded() throws {
        for entry in try Manifest.safetensors() {
            let file = try #require(entry["file"] as? String)
            let url = try Goldens.url("checkpoints/\(file)")
            let observed = try #require(entry["observed"] as? [String: Any])
            let loadFile = try #require(observed["load_file"] as? [String: Any])
            if loadFile["ok"] as? Bool == true {
                let loaded = try SafetensorsFile(contentsOf: url)
                let expected = try #require(loadFile["tensors"] as? [String: [String: Any]])
                #expect(Set(loaded.records.map(\.name)) == Set(expected.keys), "\(file)")
                for record in loaded.records {
                    Manifest.expectMatches(record, try #require(expected[record.name]))
                }
                let safeOpen = try #require(observed["safe_open"] as? [String: Any])
                #expect(loaded.metadata == safeOpen["metadata"] as? [String: String], "\(file) metadata")
                #expect(Set(loaded.records.map(\.name)) == Set(safeOpen["keys"] as? [String] ?? []), "\(file) keys")
            } else {
                let message = try #require((loadFile["error"] as? [String: Any])?["message"] as? String)
                let error = #expect(throws: CheckpointError.self, "\(file)") { try SafetensorsFile(contentsOf: url) }
                #expect(error?.message == message, "\(file)")
                #expect(error?.description.hasPrefix(url.path) == true, "\(file) names the file")
                let headerOnly = #expect(throws: CheckpointError.self) { try SafetensorsHeader.read(from: url) }
                #expect(headerOnly?.message == message, "\(file) header-only")
            }
        }
    }

    /// The numeric goldens' weight files open, header-only and mapped, with consistent listings.
    @Test(arguments: [
        "numeric/seed_mlp/weights.safetensors", "numeric/lenet5/weights.safetensors",
        "numeric/resnet18_fp16/weights.safetensors", "numeric/gpt2-tiny/model.safetensors",
        "numeric/bert-tiny/model.safetensors", "numeric/llama-tiny/model.safetensors",
    ])
    func numericWeightHeadersRead(path: String) throws {
        let url = try Goldens.url(path)
        let header = try SafetensorsHeader.read(from: url)
        let mapped = try SafetensorsFile(contentsOf: url)
        #expect(!header.entries.isEmpty)
        #expect(header.entries.map(\.name) == mapped.records.map(\.name))
        #expect(header.entries.map(\.shape) == mapped.records.map(\.shape))
        #expect(header.metadata == ["format": "pt"])
    }

    /// Writing back what was read reproduces Python's files byte for byte (ordering, JSON, padding).
    @Test(arguments: ["checkpoints/safetensors/valid_all_dtypes.safetensors", "numeric/seed_mlp/weights.safetensors",
                      "numeric/llama-tiny/model.safetensors"])
    func writerReproducesPythonBytes(path: String) throws {
        let url = try Goldens.url(path)
        let loaded = try SafetensorsFile(contentsOf: url)
        let tensors = Dictionary(uniqueKeysWithValues: loaded.records.map { ($0.name, SafetensorsWriter.Tensor($0)) })
        let bytes = try SafetensorsWriter.serialize(tensors: tensors, metadata: loaded.metadata)
        #expect(bytes == (try Data(contentsOf: url)))

        let output = FileManager.default.temporaryDirectory.appendingPathComponent("nntop-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: output) }
        try SafetensorsWriter.save(tensors: tensors, metadata: loaded.metadata, to: output)
        #expect(try Data(contentsOf: output) == bytes)
    }

    @Test func writerRefusesBytesThatDoNotMatchTheShape() {
        let error = #expect(throws: CheckpointError.self) {
            try SafetensorsWriter.serialize(tensors: ["t": .init(dtype: .f32, shape: [3], bytes: Data(count: 8))])
        }
        #expect(error?.kind == .invalidTensor)
    }
}
