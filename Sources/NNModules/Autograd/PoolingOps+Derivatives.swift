/// The derivatives of 2-D pooling. Max pooling sends each output's gradient to the input position that won
/// its window (the indices `max_pool2d_with_indices` reports), summed where windows overlap; average
/// pooling spreads it evenly over the window's in-bounds taps, divided by the same divisor the forward
/// used (`count_include_pad`, `ceil_mode` windows cut by the border, `divisor_override`); adaptive average
/// pooling spreads it over each output's own window.
extension Tensor {
    /// Max pooling's gradient found from the window itself, in the compute type and parallel over planes:
    /// the winner is the position `max_pool2d_with_indices` reports (`val > max || isnan(val)`: the last
    /// NaN wins, ties keep the first).
    static func maxPool2dGradient(_ g: Tensor, input: Tensor, window: PoolWindow) throws -> Tensor {
        let compute = ComputeType.of(input.dtype)
        let x = try input.contiguous(as: compute), gy = try g.contiguous(as: compute)
        let result = Tensor.zeros(input.sizes, dtype: compute)
        let h = input.sizes[input.rank - 2], w = input.sizes[input.rank - 1]
        let oh = g.sizes[g.rank - 2], ow = g.sizes[g.rank - 1]
        let planes = oh * ow == 0 ? 0 : g.count / (oh * ow)
        func scatter<T: KernelFloat>(_: T.Type) {
            let src = x.elementPointer(T.self), grad = gy.elementPointer(T.self), dst = result.elementPointer(T.self)
            parallelChunks(planes, grain: 1) { range in
                for p in range {
                    let plane = src + p * h * w, out = dst + p * h * w, gp = grad + p * oh * ow
                    for oy in 0..<oh {
                        let y0 = oy * window.stride[0] - window.padding[0]
                        for ox in 0..<ow {
                            let x0 = ox * window.stride[1] - window.padding[1]
                            var best = -T.infinity, bestIndex = -1
                            for ky in 0..<window.kernel[0] {
                                let iy = y0 + ky * window.dilation[0]
                                guard iy >= 0 && iy < h else { continue }
                                for kx in 0..<window.kernel[1] {
                                    let ix = x0 + kx * window.dilation[1]
                                    guard ix >= 0 && ix < w else { continue }
                                    let v = plane[iy * w + ix]
                                    if bestIndex < 0 { bestIndex = iy * w + ix }
                                    // PyTorch's CPU kernel: `val > maxval || isnan(val)`, so the last NaN wins.
                                    if v > best || v.isNaN {
                                        best = v
                                        bestIndex = iy * w + ix
                                    }
                                }
                            }
                            if bestIndex >= 0 { out[bestIndex] += gp[oy * ow + ox] }
                        }
                    }
                }
            }
        }
        if compute == .float64 { scatter(Double.self) } else { scatter(Float.self) }
        return try result.to(dtype: input.dtype)
    }

    /// Scatter-adds `g` to the flat in-plane positions `indices` of each plane.
    static func maxPool2dGradient(_ g: Tensor, indices: Tensor, input: Tensor) throws -> Tensor {
        let plane = input.sizes[input.rank - 2] * input.sizes[input.rank - 1]
        let outPlane = g.sizes[g.rank - 2] * g.sizes[g.rank - 1]
        let grads = try g.contiguous().toDoubles(), positions = try indices.toDoubles()
        var result = [Double](repeating: 0, count: input.count)
        for (i, position) in positions.enumerated() {
            result[(i / outPlane) * plane + Int(position)] += grads[i]
        }
        return Tensor(result, shape: input.sizes, dtype: input.dtype)
    }

    static func avgPool2dGradient(_ g: Tensor, input: Tensor, window w: PoolWindow, countIncludePad: Bool,
                                  divisorOverride: Int?) throws -> Tensor {
        let h = input.sizes[input.rank - 2], wd = input.sizes[input.rank - 1]
        let oh = g.sizes[g.rank - 2], ow = g.sizes[g.rank - 1]
        let grads = try g.contiguous().toDoubles()
        var result = [Double](repeating: 0, count: input.count)
        for p in 0..<(grads.count / Swift.max(oh * ow, 1)) {
            for oy in 0..<oh {
                let y0 = oy * w.stride[0] - w.padding[0]
                let yEnd = Swift.min(y0 + w.kernel[0], h + w.padding[0])
                let ys = Swift.max(y0, 0)..<Swift.max(Swift.min(y0 + w.kernel[0], h), y0, 0)
                for ox in 0..<ow {
                    let x0 = ox * w.stride[1] - w.padding[1]
                    let xEnd = Swift.min(x0 + w.kernel[1], wd + w.padding[1])
                    let xs = Swift.max(x0, 0)..<Swift.max(Swift.min(x0 + w.kernel[1], wd), x0, 0)
                    let divisor = divisorOverride ?? (countIncludePad ? (yEnd - y0) * (xEnd - x0) : ys.count * xs.count)
                    let share = grads[(p * oh + oy) * ow + ox] / Double(Swift.max(divisor, 1))
                    for y in ys { for x in xs { result[p * h * wd + y * wd + x] += share } }
                }
            }
        }
        return Tensor(result, shape: input.sizes, dtype: input.dtype)
    }

    static func adaptiveAvgPool2dGradient(_ g: Tensor, input: Tensor, outputSize target: [Int]) throws -> Tensor {
        let h = input.sizes[input.rank - 2], w = input.sizes[input.rank - 1]
        let gv = try g.contiguous().toDoubles()
        let planes = input.count / Swift.max(h * w, 1)
        var result = [Double](repeating: 0, count: input.count)
        for p in 0..<planes {
            for oy in 0..<target[0] {
                let y0 = (oy * h) / target[0], y1 = ((oy + 1) * h + target[0] - 1) / target[0]
                for ox in 0..<target[1] {
                    let x0 = (ox * w) / target[1], x1 = ((ox + 1) * w + target[1] - 1) / target[1]
                    let share = gv[(p * target[0] + oy) * target[1] + ox] / Double((y1 - y0) * (x1 - x0))
                    for y in y0..<y1 { for x in x0..<x1 { result[p * h * w + y * w + x] += share } }
                }
            }
        }
        return Tensor(result, shape: input.sizes, dtype: input.dtype)
    }
}
