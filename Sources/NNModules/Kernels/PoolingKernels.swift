/// 2-D pooling over the last two dimensions of 3-D or 4-D inputs (torch: max_pool2d, avg_pool2d,
/// adaptive_avg_pool2d): typed loops per plane, planes spread over the compute threads.
struct PoolWindow {
    let kernel: [Int], stride: [Int], padding: [Int], dilation: [Int]
    let ceilMode: Bool

    func outputSize(_ input: Int, _ d: Int) -> Int {
        let effective = dilation[d] * (kernel[d] - 1) + 1
        let numerator = input + 2 * padding[d] - effective
        // PyTorch divides rounding toward negative infinity (div_rtn): a too-large kernel gives 0 or less.
        let dividend = numerator + (ceilMode ? stride[d] - 1 : 0)
        var out = (dividend >= 0 ? dividend / stride[d] : -((-dividend + stride[d] - 1) / stride[d])) + 1
        // PyTorch: the last window must start inside the input or left padding.
        if ceilMode && (out - 1) * stride[d] >= input + padding[d] { out -= 1 }
        return out
    }

    /// The output shape for a 3-D or 4-D input, with PyTorch's `pool2d_shape_check` errors.
    func outputShape(_ input: Tensor) throws -> [Int] {
        guard input.rank == 3 || input.rank == 4 else {
            throw TorchError.runtimeError("pool2d: Expected 3D or 4D (batch mode) tensor for input, but got input of size: \(Tensor.pythonShape(input.sizes))")
        }
        guard kernel[1] / 2 >= padding[1], kernel[0] / 2 >= padding[0] else {
            throw TorchError.runtimeError("pad should be smaller than or equal to half of kernel size, but got padW = \(padding[1]), padH = \(padding[0]), kW = \(kernel[1]), kH = \(kernel[0])")
        }
        let h = input.sizes[input.rank - 2], wd = input.sizes[input.rank - 1]
        let oh = outputSize(h, 0), ow = outputSize(wd, 1)
        guard oh > 0, ow > 0 else {
            throw TorchError.runtimeError("Given input size: (\(input.sizes.dropFirst(input.rank - 3).map(String.init).joined(separator: "x"))). Calculated output size: (\(input.sizes[input.rank - 3])x\(oh)x\(ow)). Output size is too small")
        }
        return Array(input.sizes.dropLast(2)) + [oh, ow]
    }
}

/// What a pooling window computes.
enum PoolReduction {
    case max
    case average(countIncludePad: Bool, divisorOverride: Int?)
}

extension Tensor {
    static func maxPool2dValues(_ input: Tensor, kernel: [Int], stride: [Int], padding: [Int], dilation: [Int],
                                 ceilMode: Bool) throws -> Tensor {
        try pool2d(input, PoolWindow(kernel: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode), .max)
    }

    static func avgPool2dValues(_ input: Tensor, kernel: [Int], stride: [Int], padding: [Int], ceilMode: Bool,
                                 countIncludePad: Bool, divisorOverride: Int?) throws -> Tensor {
        try pool2d(input, PoolWindow(kernel: kernel, stride: stride, padding: padding, dilation: [1, 1], ceilMode: ceilMode),
                   .average(countIncludePad: countIncludePad, divisorOverride: divisorOverride))
    }

    static func pool2d(_ input: Tensor, _ w: PoolWindow, _ reduction: PoolReduction) throws -> Tensor {
        let outShape = try w.outputShape(input)
        let h = input.sizes[input.rank - 2], wd = input.sizes[input.rank - 1]
        let oh = outShape[outShape.count - 2], ow = outShape[outShape.count - 1]
        if input.isMeta { return Tensor(storage: nil, shape: outShape, dtype: input.dtype, device: .meta) }
        let compute = ComputeType.of(input.floatResult)
        let x = try input.contiguous(as: compute)
        let out = Tensor.empty(outShape, dtype: compute)
        let planes = out.count / (oh * ow)
        if compute == .float64 {
            poolPlanes(Double.self, x, out, planes: planes, h: h, w: wd, oh: oh, ow: ow, w, reduction)
        } else {
            poolPlanes(Float.self, x, out, planes: planes, h: h, w: wd, oh: oh, ow: ow, w, reduction)
        }
        return try out.to(dtype: input.dtype)
    }

    private static func poolPlanes<T: KernelFloat>(_ type: T.Type, _ input: Tensor, _ output: Tensor, planes: Int, h: Int, w: Int,
                                                   oh: Int, ow: Int, _ win: PoolWindow, _ reduction: PoolReduction) {
        let x = input.elementPointer(T.self), out = output.elementPointer(T.self)
        let rows = PoolTaps(count: oh, size: h, win, 0), cols = PoolTaps(count: ow, size: w, win, 1)
        let grain = Swift.max(1, (1 << 14) / Swift.max(oh * ow * win.kernel[0] * win.kernel[1], 1))
        switch reduction {
        case .max:
            parallelChunks(planes, grain: grain) { range in
                maxPoolPlanes(x + range.lowerBound * h * w, out + range.lowerBound * oh * ow, planes: range.count,
                              h: h, w: w, oh: oh, ow: ow, rows: rows, cols: cols, dilation: (win.dilation[0], win.dilation[1]))
            }
        case .average(let includePad, let divisorOverride):
            let dy = win.dilation[0], dx = win.dilation[1]
            parallelChunks(planes, grain: grain) { range in
                for p in range {
                    let src = x + p * h * w, dst = out + p * oh * ow
                    for oy in 0..<oh {
                        let y0 = rows.first[oy], ny = rows.count[oy]
                        for ox in 0..<ow {
                            let x0 = cols.first[ox], nx = cols.count[ox]
                            var sum = T(0)
                            for ky in 0..<ny {
                                let line = src + (y0 + ky * dy) * w + x0
                                for kx in 0..<nx { sum += line[kx * dx] }
                            }
                            let yEnd = Swift.min(rows.start[oy] + win.kernel[0], h + win.padding[0])
                            let xEnd = Swift.min(cols.start[ox] + win.kernel[1], w + win.padding[1])
                            let padded = (yEnd - rows.start[oy]) * (xEnd - cols.start[ox])
                            let divisor = divisorOverride ?? (includePad ? padded : ny * nx)
                            dst[oy * ow + ox] = sum / T(Swift.max(divisor, 1))
                        }
                    }
                }
            }
        }
    }

    /// torch: `F.adaptive_avg_pool2d` with PyTorch's start/end index rule per output cell.
    static func adaptiveAvgPool2dValues(_ input: Tensor, outputSize target: [Int]) throws -> Tensor {
        guard input.rank == 3 || input.rank == 4 else {
            throw TorchError.valueError("adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got \(Tensor.pythonShape(input.sizes))")
        }
        let h = input.sizes[input.rank - 2], w = input.sizes[input.rank - 1]
        let outShape = Array(input.sizes.dropLast(2)) + target
        if input.isMeta { return Tensor(storage: nil, shape: outShape, dtype: input.dtype, device: .meta) }
        if target == [1, 1] { return try input.mean(dims: [-2, -1], keepdim: true) }
        let compute = ComputeType.of(input.floatResult)
        let x = try input.contiguous(as: compute)
        let out = Tensor.empty(outShape, dtype: compute)
        if compute == .float64 {
            adaptivePlanes(Double.self, x, out, h: h, w: w, target)
        } else {
            adaptivePlanes(Float.self, x, out, h: h, w: w, target)
        }
        return try out.to(dtype: input.dtype)
    }

    private static func adaptivePlanes<T: KernelFloat>(_ type: T.Type, _ input: Tensor, _ output: Tensor, h: Int, w: Int, _ target: [Int]) {
        let x = input.elementPointer(T.self), out = output.elementPointer(T.self)
        let planes = output.count / Swift.max(target[0] * target[1], 1)
        parallelChunks(planes, grain: Swift.max(1, (1 << 14) / Swift.max(h * w, 1))) { range in
            for p in range {
                for oy in 0..<target[0] {
                    let y0 = (oy * h) / target[0], y1 = ((oy + 1) * h + target[0] - 1) / target[0]
                    for ox in 0..<target[1] {
                        let x0 = (ox * w) / target[1], x1 = ((ox + 1) * w + target[1] - 1) / target[1]
                        var s = T(0)
                        for y in y0..<y1 { for xx in x0..<x1 { s += x[p * h * w + y * w + xx] } }
                        out[(p * target[0] + oy) * target[1] + ox] = s / T((y1 - y0) * (x1 - x0))
                    }
                }
            }
        }
    }
}
