import COpenBLAS
import Foundation

/// How many cores the CPU kernels use (torch: `set_num_threads`). nntop splits work across cores itself
/// (GEMMs by output columns, convolutions by image or channel, large elementwise ops by range) and keeps
/// OpenBLAS single-threaded: Debian's OpenBLAS 0.3.21 with two threads swings between one- and
/// two-core speed from run to run, while two concurrent single-threaded calls scale steadily.
public enum ComputeThreads {
    nonisolated(unsafe) private static var configured = available
    nonisolated(unsafe) private static var blasPinned = false

    /// The CPUs this process may run on: its affinity mask (`taskset`, container CPU sets), which
    /// Foundation's `activeProcessorCount` ignores on Linux.
    static var available: Int {
        let online = max(1, ProcessInfo.processInfo.activeProcessorCount)
        // /proc/self/status: "Cpus_allowed:\tff,ffffffff" (hex words).
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else { return online }
        let cpus = line.dropFirst("Cpus_allowed:".count).reduce(0) { count, digit in
            count + (digit.hexDigitValue ?? 0).nonzeroBitCount
        }
        return max(1, min(cpus, online))
    }

    /// The number of threads kernels split work into.
    public static var count: Int {
        pinBLAS()
        return configured
    }

    /// torch: `torch.set_num_threads(n)`.
    public static func set(_ threads: Int) {
        configured = max(1, threads)
        pinBLAS()
    }

    private static func pinBLAS() {
        if blasPinned { return }
        blasPinned = true
        openblas_set_num_threads(1)
    }
}

/// Runs `body` over `0..<count` split into at most `ComputeThreads.count` contiguous chunks, each at least
/// `grain` long; runs inline when there is a single chunk, so small tensors pay no dispatch. The chunks
/// run on the calling thread and `ComputePool`'s workers; when the pool is already busy (a nested call, or
/// another thread's kernel) the chunks run one after another on the caller.
func parallelChunks(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
    let chunks = min(ComputeThreads.count, max(1, count / max(grain, 1)))
    if chunks <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    let per = (count + chunks - 1) / chunks
    func chunk(_ index: Int) {
        let start = index * per, end = min(count, start + per)
        if start < end { body(start..<end) }
    }
    if !ComputePool.shared.run(chunks: chunks, chunk) {
        for index in 0..<chunks { chunk(index) }
    }
}

/// Carries a non-Sendable value to another thread that only touches disjoint data.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
