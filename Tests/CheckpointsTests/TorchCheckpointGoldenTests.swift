import Foundation
import GoldenSupport
import Testing
@testable import Checkpoints

@Suite struct TorchCheckpointGoldenTests {
    /// The recorded `torch.load(weights_only=True)` entries of `file`, keys in file order (JSONSerialization
    /// loses order, the header JSON reader keeps it).
    private func orderedEntryKeys(_ file: String) throws -> [String] {
        let data = try Goldens.data("checkpoints/manifest.json")
        let root = try data.withUnsafeBytes { try HeaderJSON.parse($0) }
        func member(_ node: HeaderJSON.Node, _ key: String) -> HeaderJSON.Node? {
            guard case .object(let members) = node.value else { return nil }
            return members.first { $0.key == key }?.node
        }
        guard let list = member(root, "torch_checkpoints"), case .array(let records) = list.value else { return [] }
        for record in records {
            guard let name = member(record, "file"), case .string(file) = name.value,
                let loaded = member(record, "torch_load_weights_only_true").flatMap({ member($0, "loaded") }),
                let entries = member(loaded, "entries"), case .object(let members) = entries.value
            else { continue }
            return members.map(\.key)
        }
        return []
    }

    @Test func everyRecordedCheckpointBehavesAsRecorded() throws {
        for entry in try Manifest.torchCheckpoints() {
            let file = try #require(entry["file"] as? String)
            let url = try Goldens.url("checkpoints/\(file)")
            let result = try #require(entry["torch_load_weights_only_true"] as? [String: Any])
            if result["ok"] as? Bool == true {
                let checkpoint = try TorchCheckpoint(contentsOf: url)
                let loaded = try #require(result["loaded"] as? [String: Any])
                let expected = try #require(loaded["entries"] as? [String: [String: Any]])
                #expect(checkpoint.records.map(\.name) == (try orderedEntryKeys(file)), "\(file) order")
                #expect(checkpoint.format == ((entry["format"] as? String) == "torch-legacy" ? .legacy : .zip))
                guard case .dict(let dict) = checkpoint.root else {
                    Issue.record("\(file): root is not a dict")
                    continue
                }
                #expect(dict.isOrdered == (loaded["python_type"] as? String == "OrderedDict"), "\(file) dict type")
                var byName: [String: TensorRecord] = [:]
                for record in checkpoint.records {
                    let want = try #require(expected[record.name])
                    Manifest.expectMatches(record, want)
                    if let owner = want["shares_storage_with"] as? String {
                        #expect(record.storage.id == byName[owner]?.storage.id, "\(file) \(record.name) shares \(owner)")
                    } else {
                        #expect(!byName.values.contains { $0.storage.id == record.storage.id }, "\(file) \(record.name) is distinct")
                    }
                    byName[record.name] = record
                }
            } else {
                let torchMessage = try #require((result["error"] as? [String: Any])?["message"] as? String)
                let error = #expect(throws: CheckpointError.self, "\(file)") { try TorchCheckpoint(contentsOf: url) }
                #expect(error?.description.hasPrefix(url.path) == true, "\(file) names the file")
                switch error?.kind {
                case .unsupportedGlobal(let name):
                    #expect(torchMessage.contains(name), "\(file): torch refused \(name) too")
                    #expect(error?.message.contains("nothing was executed") == true)
                case .unsupportedOpcode(let opcode):
                    #expect(torchMessage.contains("Unsupported operand \(opcode)"), "\(file)")
                    #expect(error?.message.contains("Unsupported operand \(opcode)") == true)
                default:
                    Issue.record("\(file): unexpected error \(String(describing: error))")
                }
            }
        }
    }

    /// The seed_mlp checkpoints hold the numeric golden's weights, and records expose them without copying.
    @Test func zipStoragesAreSlicesOfTheMappedFile() throws {
        let checkpoint = try TorchCheckpoint(contentsOf: try Goldens.url("checkpoints/seed_mlp_state_dict.pt"))
        let weights = try SafetensorsFile(contentsOf: try Goldens.url("numeric/seed_mlp/weights.safetensors"))
        for record in checkpoint.records {
            #expect(record.storage.file === checkpoint.file)
            let reference = try #require(weights.records.first { $0.name == record.name })
            #expect(record.withContiguousBytes { Array($0) } == reference.withContiguousBytes { Array($0) })
        }
    }

    @Test func stridedViewsGatherInRowMajorOrder() throws {
        let checkpoint = try TorchCheckpoint(contentsOf: try Goldens.url("checkpoints/tied_state_dict.pt"))
        let embed = try #require(checkpoint.records.first { $0.name == "embed.weight" })
        let column = try #require(checkpoint.records.first { $0.name == "col_view" })
        #expect(!column.isContiguous)
        #expect(column.elementValues() == [2, 6, 10].map { embed.elementValues()[$0] })
    }
}
