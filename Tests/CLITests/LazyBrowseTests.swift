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

    @Test func fuzzCommandReportsItsRun() throws {
        let out = try NNTopBinary.run(["fuzz", "--iterations", "300", "--seed", "7"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.hasPrefix("fuzz: 300 inputs, seed 7,"))
        #expect(out.stdout.contains("no crash"))
    }
}
