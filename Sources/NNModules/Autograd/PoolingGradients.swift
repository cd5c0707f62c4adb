/// The derivative of max pooling: each output's gradient goes to the input position that won its window
/// (the position `max_pool2d_with_indices` reports: the last NaN wins, ties keep the first), summed where windows
/// overlap. Planes are independent, so they are split across the compute threads.
extension Tensor {
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
}
