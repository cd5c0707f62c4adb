/// Where each output row (or column) of a pooling window reads: the window's start in the padded input,
/// its first in-bounds tap and how many taps fall inside the input (padding contributes nothing).
/// Flat Int buffers keep the pooling loops free of array retains.
final class PoolTaps {
    let start: UnsafeMutablePointer<Int>, first: UnsafeMutablePointer<Int>, count: UnsafeMutablePointer<Int>

    init(count outputs: Int, size: Int, _ win: PoolWindow, _ d: Int) {
        start = .allocate(capacity: Swift.max(outputs, 1))
        first = .allocate(capacity: Swift.max(outputs, 1))
        count = .allocate(capacity: Swift.max(outputs, 1))
        for o in 0..<outputs {
            let origin = o * win.stride[d] - win.padding[d]
            let inside = (0..<win.kernel[d]).map { origin + $0 * win.dilation[d] }.filter { $0 >= 0 && $0 < size }
            start[o] = origin
            first[o] = inside.first ?? 0
            count[o] = inside.count
        }
    }

    deinit {
        start.deallocate()
        first.deallocate()
        count.deallocate()
    }
}
