import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `nntop`: top for neural networks.
@main
struct NNTop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nntop",
        abstract: "top for neural networks: browse a model's module tree and profile it layer by layer.",
        subcommands: [TopCommand.self, AttachCommand.self, ListCommand.self, ReprCommand.self, SummaryCommand.self, ProfileCommand.self,
                      RunCommand.self, TrainCommand.self, BenchCommand.self, FuzzCommand.self, BenchBrowseCommand.self,
                      BenchInitCommand.self],
        defaultSubcommand: TopCommand.self
    )

    static func main() {
        MemoryReuse.configure()
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

/// nntop runs the same forward again and again: every activation buffer freed by one forward is asked for
/// again by the next. glibc hands blocks above its mmap threshold (128 KiB at first, raised only as such
/// blocks are freed) straight to and from the kernel, so a forward's megabyte-sized activations were fresh
/// zeroed pages each time, and freed heap tops were trimmed back to the kernel between forwards. Keeping
/// blocks up to 1 GiB in the heap, and up to 2 GiB of free heap before trimming, lets forwards and training
/// steps reuse warm memory (MobileNetV2 with hooks and statistics: up to 25 % faster; a GPT-2 training step,
/// whose 154 MB embedding gradient and half a gigabyte of freed gradients went back to the kernel every step
/// at 128 MiB / 512 MiB — 100,000 page faults/s, a quarter of its time in the kernel — 910 → 750 ms; the
/// resident size stays at the peak, which the soak's flat RSS curve checks). One arena for every thread: the
/// live view runs forwards on its runner thread, whose own arena (glibc gives threads separate arenas, built
/// of separately mapped heaps) still handed memory back between forwards under these thresholds: a live
/// MobileNetV2 took 47,000 page faults a second (20 % of its time in the kernel) and ran at 62 forwards/s where the same forwards on the
/// main thread took none (one arena: no faults, 82 forwards/s). Compute threads allocate per kernel, not per
/// element, so sharing one arena's lock costs nothing measurable. `NNTOP_MALLOC_DEFAULTS=1` keeps glibc's
/// defaults.
enum MemoryReuse {
    static func configure() {
        #if os(Linux)
        guard ProcessInfo.processInfo.environment["NNTOP_MALLOC_DEFAULTS"] != "1" else { return }
        _ = glibcMallopt(mmapThreshold, 1 << 30)
        _ = glibcMallopt(trimThreshold, Int32.max)
        _ = glibcMallopt(arenaMax, 1)
        #endif
    }

    // <malloc.h> is not part of the Glibc module: its two parameters, as glibc numbers them.
    private static let trimThreshold: Int32 = -1 // M_TRIM_THRESHOLD
    private static let mmapThreshold: Int32 = -3 // M_MMAP_THRESHOLD
    private static let arenaMax: Int32 = -8 // M_ARENA_MAX
}

@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
