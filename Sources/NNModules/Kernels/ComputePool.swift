import Foundation
import Synchronization

/// Worker threads for `parallelChunks`. A worker that finished a job keeps polling for the next one for
/// `spinSeconds` before it sleeps on a condition variable: a forward pass issues a parallel kernel every
/// few microseconds, and waking a sleeping thread (or a libdispatch worker) costs 10–40 µs here, more than
/// many of those kernels take. This is what OpenMP runtimes (PyTorch's) do as well. Pollers yield the CPU
/// every few dozen polls, so oversubscribed cores (more threads than CPUs) still make progress.
final class ComputePool: @unchecked Sendable {
    static let shared = ComputePool()

    /// How long an idle worker polls before it sleeps.
    static let spinSeconds = 0.002

    /// One parallel call: its chunks are claimed one by one by the caller and the workers. Workers that
    /// arrive late find every chunk claimed and leave, so a job never runs a chunk of another. `body` is
    /// only read after claiming a chunk, and dropped once every chunk finished, so the caller's closure
    /// does not outlive the call even when a late worker still holds the job.
    private final class Job: @unchecked Sendable {
        var body: ((Int) -> Void)?
        let chunks: Int
        let next = Atomic<Int>(0)
        let unfinished: Atomic<Int>

        init(body: @escaping (Int) -> Void, chunks: Int) {
            self.body = body
            self.chunks = chunks
            unfinished = Atomic(chunks)
        }

        /// Runs chunks until none is left to claim.
        func participate() {
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if index >= chunks { return }
                body?(index)
                unfinished.wrappingSubtract(1, ordering: .releasing)
            }
        }
    }

    /// Held by the thread whose job the workers are serving.
    private let busy = Atomic<Bool>(false)
    /// Bumped for every job; workers compare it with the last one they served.
    private let generation = Atomic<Int>(0)
    private let current = Mutex<Job?>(nil)
    private var workers = 0
    private var sleepers = 0
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()

    private init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
    }

    /// Runs `body(0..<chunks)` across the caller and up to `chunks - 1` workers and returns when all are
    /// done; `false` (nothing run) when the pool is serving another call.
    func run(chunks: Int, _ body: (Int) -> Void) -> Bool {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { busy.store(false, ordering: .releasing) }
        return withoutActuallyEscaping(body) { body in
            let job = Job(body: body, chunks: chunks)
            current.withLock { $0 = job }
            pthread_mutex_lock(&mutex)
            while workers < chunks - 1 { startWorker() }
            generation.wrappingAdd(1, ordering: .releasing)
            if sleepers > 0 { pthread_cond_broadcast(&condition) }
            pthread_mutex_unlock(&mutex)
            job.participate()
            var polls = 0
            while job.unfinished.load(ordering: .acquiring) > 0 {
                polls += 1
                if polls & 63 == 0 { sched_yield() }
            }
            job.body = nil
            current.withLock { $0 = nil }
            return true
        }
    }

    /// Called with `mutex` held.
    private func startWorker() {
        workers += 1
        let pool = UncheckedSendable(self)
        let thread = Thread { pool.value.serve() }
        thread.name = "nntop-compute-\(workers)"
        thread.start()
    }

    private func serve() {
        var served = generation.load(ordering: .acquiring)
        while true {
            waitForJob(after: served)
            served = generation.load(ordering: .acquiring)
            let job = current.withLock { $0 }
            job?.participate()
        }
    }

    /// Returns once `generation` differs from `served`: polling for `spinSeconds`, then asleep.
    private func waitForJob(after served: Int) {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(Self.spinSeconds * 1e9)
        var polls = 0
        while generation.load(ordering: .acquiring) == served {
            polls += 1
            // Yielding now and then lets a thread that shares this CPU (more threads than cores) run.
            if polls & 63 == 0 { sched_yield() }
            if polls & 1023 == 0 && DispatchTime.now().uptimeNanoseconds > deadline {
                pthread_mutex_lock(&mutex)
                sleepers += 1
                while generation.load(ordering: .acquiring) == served { pthread_cond_wait(&condition, &mutex) }
                sleepers -= 1
                pthread_mutex_unlock(&mutex)
                return
            }
        }
    }
}
