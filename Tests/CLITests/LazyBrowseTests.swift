import Foundation
import GoldenSupport
import Testing

/// Browsing a big sharded checkpoint reads only its headers: `bench-browse` writes a sparse Llama-2-7B-shaped
/// checkpoint with 5 layers (2.4 GiB, over the automatic threshold) and runs `nntop summary` on it.
@Suite struct LazyBrowseTests {
    @Test func bigShardedCheckpointIsBrowsedFromItsHeaders() throws {
        let out = try NNTopBinary.run(["bench-browse", "--layers", "5"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("weights not read (automatic)"), "\(out.stdout)")
        let rss = out.stdout.split(separator: "\n").first { $0.hasPrefix("peak RSS: ") }
            .flatMap { Int($0.dropFirst("peak RSS: ".count).prefix { $0.isNumber }) }
        let megabytes = try #require(rss)
        #expect(megabytes < 200, "peak RSS \(megabytes) MB")
    }

    /// Every mutated input reaches every reader, which either accepts it or refuses it: per reader, the
    /// accepted and refused counts the report prints add up to the iterations asked for.
    @Test func fuzzCommandAccountsForEveryInputInEachReader() throws {
        let out = try NNTopBinary.run(["fuzz", "--iterations", "300", "--seed", "7"])
        #expect(out.status == 0, "\(out.stderr)")
        let report = out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let accepted = try #require(report.firstRange(of: "; accepted: "), "\(report)")
        let refused = try #require(report.firstRange(of: "; refused: "), "\(report)")
        // Accepted entries read `READER COUNT`, refused ones `READER: REASON COUNT`; a reader's name may have
        // two words (`pickle objects`, the recording unpickler).
        let readers = /, (?=(?:safetensors|torch|pickle)[ :])/
        var handled: [String: Int] = [:]
        for entry in report[accepted.upperBound..<refused.lowerBound].split(separator: readers) {
            let words = entry.split(separator: " ")
            let count = try #require(words.last.flatMap { Int($0) }, "\(entry)")
            handled[words.dropLast().joined(separator: " "), default: 0] += count
        }
        for entry in report[refused.upperBound...].split(separator: readers) {
            let reader = String(entry.prefix { $0 != ":" })
            let count = try #require(entry.split(separator: " ").last.flatMap { Int($0) }, "\(entry)")
            handled[reader, default: 0] += count
        }
        #expect(handled == ["safetensors": 300, "torch": 300, "pickle": 300, "torch objects": 300, "pickle objects": 300],
                "\(report)")
    }
}
