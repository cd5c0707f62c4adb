import Foundation
@testable import NNModules
import Testing

/// `parallelChunks` on the persistent workers: every index runs exactly once, whether the pool is free,
/// called from inside one of its own chunks, or shared by several threads at once.
@Suite struct ComputePoolTests {
    /// Counts how often each index of `0..<count` ran.
    private final class Visits: @unchecked Sendable {
        let counts: UnsafeMutablePointer<Int>
        let size: Int
        init(_ size: Int) {
            self.size = size
            counts = .allocate(capacity: size)
            counts.initialize(repeating: 0, count: size)
        }
        deinit { counts.deallocate() }
        var all: [Int] { Array(UnsafeBufferPointer(start: counts, count: size)) }
    }

    @Test func everyIndexRunsOnceAcrossManyCalls() {
        let visits = Visits(1000)
        for round in 0..<200 {
            parallelChunks(1000, grain: 1 + round % 7) { range in
                for i in range { visits.counts[i] += 1 }
            }
        }
        #expect(visits.all == [Int](repeating: 200, count: 1000))
    }

    @Test func nestedCallsRunInline() {
        let visits = Visits(64 * 64)
        parallelChunks(64, grain: 1) { outer in
            for row in outer {
                parallelChunks(64, grain: 1) { inner in
                    for column in inner { visits.counts[row * 64 + column] += 1 }
                }
            }
        }
        #expect(visits.all == [Int](repeating: 1, count: 64 * 64))
    }

    @Test func threadsSharingThePoolAllFinish() {
        let threads = 4, size = 4096
        let visits = (0..<threads).map { _ in Visits(size) }
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            for _ in 0..<100 {
                parallelChunks(size, grain: 64) { range in
                    for i in range { visits[t].counts[i] += 1 }
                }
            }
        }
        for v in visits { #expect(v.all == [Int](repeating: 100, count: size)) }
    }

    @Test func kernelsAgreeWhenRunConcurrently() throws {
        let conv = try Conv2d(16, 16, kernelSize: 3, padding: 1)
        let x = Tensor.randn([1, 16, 20, 20])
        let expected = try conv(x).toDoubles()
        let agreed = Visits(4)
        let shared = UncheckedSendable((conv, x))
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            agreed.counts[i] = (try? shared.value.0(shared.value.1).toDoubles()) == expected ? 1 : 0
        }
        #expect(agreed.all == [1, 1, 1, 1])
    }
}
