/// max_pool2d over `planes` consecutive planes, one output row at a time: the window's input rows are
/// first reduced column by column into a row buffer (contiguous, branch-free, vectorized), then each
/// output takes the maximum of its columns of that buffer. NaN wins, as in PyTorch; a window without an
/// in-bounds tap gives −inf.
func maxPoolPlanes<T: KernelFloat>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, planes: Int, h: Int, w: Int,
                                   oh: Int, ow: Int, rows: PoolTaps, cols: PoolTaps, dilation: (y: Int, x: Int)) {
    let buffer = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(w, 1))
    defer { buffer.deallocate() }
    for p in 0..<planes {
        let src = x + p * h * w, dst = out + p * oh * ow
        for oy in 0..<oh {
            let ny = rows.count[oy], line = dst + oy * ow
            if ny == 0 {
                line.update(repeating: -T.infinity, count: ow)
                continue
            }
            let top = src + rows.first[oy] * w
            buffer.update(from: top, count: w)
            for ky in 1..<ny {
                let row = top + ky * dilation.y * w
                for i in 0..<w { buffer[i] = maxOrNaN(buffer[i], row[i]) }
            }
            for ox in 0..<ow {
                let nx = cols.count[ox]
                if nx == 0 {
                    line[ox] = -T.infinity
                    continue
                }
                let taps = buffer + cols.first[ox]
                var best = taps[0]
                for kx in 1..<nx { best = maxOrNaN(best, taps[kx * dilation.x]) }
                line[ox] = best
            }
        }
    }
}

/// `b` when it is larger or NaN, else `a` (PyTorch's max-pool update). `b != b` rather than `isNaN`, which
/// tests bits and compiles to branches: two compares and a select stay branch-free and vectorize.
@inline(__always)
func maxOrNaN<T: KernelFloat>(_ a: T, _ b: T) -> T {
    let take = (b > a) || (b != b)
    return take ? b : a
}
