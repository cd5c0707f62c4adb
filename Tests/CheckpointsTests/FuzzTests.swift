import Foundation
import GoldenSupport
import Testing
@testable import Checkpoints

@Suite struct FuzzTests {
    /// The built-in seeds are valid inputs, so mutations start from files the readers accept.
    @Test func seedsAreAccepted() throws {
        let seeds = FuzzSeeds.all()
        #expect(seeds.count == 5)
        #expect(try SafetensorsFile(bytes: FileBytes(copying: seeds[0], label: "seed")).records.count == 3)
        for seed in seeds[2...] {
            let checkpoint = try TorchCheckpoint(bytes: FileBytes(copying: seed, label: "seed"))
            #expect(checkpoint.records.map(\.name) == ["w", "v"])
            #expect(checkpoint.records[1].elementValues() == [1, 4])
            #expect(checkpoint.records[0].storage.id == checkpoint.records[1].storage.id)
        }
    }

    /// A short run over the built-in seeds and every golden checkpoint file: must finish without a crash.
    @Test func twentyThousandMutatedInputs() throws {
        let folder = try Goldens.url("checkpoints")
        var corpus: [[UInt8]] = []
        for sub in ["", "safetensors/"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(sub).path).sorted()
            for name in names where name.hasSuffix(".pt") || name.hasSuffix(".pkl") || name.hasSuffix(".safetensors") {
                corpus.append(Array(try Data(contentsOf: folder.appendingPathComponent(sub + name))))
            }
        }
        let report = Fuzz.run(iterations: 20_000, seed: 0x6E6E_746F_70, corpus: corpus)
        #expect(report.iterations == 20_000)
        #expect((report.accepted["torch"] ?? 0) > 0)
        #expect((report.accepted["safetensors"] ?? 0) > 0)
        print(report)
    }
}
