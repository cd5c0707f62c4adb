/// The derivatives of 2-D pooling. Max pooling sends each output's gradient to the input position that won
/// its window (the indices `max_pool2d_with_indices` reports), summed where windows overlap; average
/// pooling spreads it evenly over the window's in-bounds taps, divided by the same divisor the forward
/// used (`count_include_pad`, `ceil_mode` windows cut by the border, `divisor_override`).
extension Tensor {
    public static func maxPool2d(_ input: Tensor, kernel: [Int], stride: [Int], padding: [Int], dilation: [Int],
                                 ceilMode: Bool) throws -> Tensor {
        let out = try GradMode.noGrad { try maxPool2dValues(input, kernel: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode) }
        recordOperation("MaxPool2DWithIndicesBackward0", inputs: [input], outputs: [out], saving: [input]) { grads in
            guard let gy = grads[0] else { return [nil] }
            let window = PoolWindow(kernel: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
            return [try maxPool2dGradient(gy, indices: try maxPool2d(input, window).indices, input: input)]
        }
        return out
    }

    public static func avgPool2d(_ input: Tensor, kernel: [Int], stride: [Int], padding: [Int], ceilMode: Bool,
                                 countIncludePad: Bool, divisorOverride: Int?) throws -> Tensor {
        let out = try GradMode.noGrad { try avgPool2dValues(input, kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: divisorOverride) }
        recordOperation("AvgPool2DBackward0", inputs: [input], outputs: [out]) { grads in
            guard let gy = grads[0] else { return [nil] }
            let window = PoolWindow(kernel: kernel, stride: stride, padding: padding, dilation: [1, 1], ceilMode: ceilMode)
            return [try avgPool2dGradient(gy, input: input, window: window, countIncludePad: countIncludePad, divisorOverride: divisorOverride)]
        }
        return out
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
}
