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
/// blocks up to 128 MiB in the heap, and 512 MiB of free heap before trimming, lets forwards reuse warm
/// memory (measured on MobileNetV2 with hooks and statistics: up to 25 % faster; a resident size that
/// stays at the forward's peak, which the soak's flat RSS curve checks). One arena for every thread: the
/// live view runs forwards on its runner thread, and a thread's own arena is made of 64 MiB heaps that glibc
/// unmaps as soon as one is wholly free, whatever the thresholds, so a live MobileNetV2 took 47,000 page
/// faults a second (20 % of its time in the kernel) and ran at 62 forwards/s where the same forwards on the
/// main thread took none (one arena: no faults, 82 forwards/s). Compute threads allocate per kernel, not per
/// element, so sharing one arena's lock costs nothing measurable. `NNTOP_MALLOC_DEFAULTS=1` keeps glibc's
/// defaults.
enum MemoryReuse {
    static func configure() {
        #if os(Linux)
        guard ProcessInfo.processInfo.environment["NNTOP_MALLOC_DEFAULTS"] != "1" else { return }
        _ = glibcMallopt(mmapThreshold, 128 << 20)
        _ = glibcMallopt(trimThreshold, 512 << 20)
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
