import Foundation
import GoldenSupport
import Testing

/// Runs the real `nntop` binary, as a user would.
enum NNTopBinary {
    static var url: URL {
        let root = Goldens.repositoryRoot.appendingPathComponent(".build")
        let candidates = ["debug", "release"].map { root.appendingPathComponent($0).appendingPathComponent("nntop") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}

@Suite struct CLITests {
    @Test func listNamesTheZoo() throws {
        let out = try NNTopBinary.run(["list"])
        #expect(out.status == 0)
        #expect(out.stdout.contains("seed_mlp"))
        #expect(out.stdout.contains("lenet5"))
    }

    @Test(arguments: ["seed_mlp", "lenet5"])
    func reprPrintsWhatPyTorchPrints(name: String) throws {
        let out = try NNTopBinary.run(["repr", name])
        #expect(out.status == 0)
        #expect(out.stdout == (try Goldens.text("models/\(name)/repr.txt")))
    }

    @Test(arguments: ["seed_mlp", "lenet5"])
    func summaryJSONRowsHaveTheGoldenFields(name: String) throws {
        let out = try NNTopBinary.run(["summary", name, "--json"])
        #expect(out.status == 0)
        let rows = out.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let golden = try StructureGolden(name)
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
