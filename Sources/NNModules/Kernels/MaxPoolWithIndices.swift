/// torch.nn.functional.max_pool2d_with_indices over the last two dimensions: the maximum of each (dilated,
/// padded) window and its flat index `y·W + x` in the input plane. NaN wins like in PyTorch's CPU kernel;
/// an all −inf window reports its first in-bounds position.
extension Tensor {
    static func maxPool2dWithIndicesValues(_ input: Tensor, _ w: PoolWindow) throws -> (values: Tensor, indices: Tensor) {
        let outShape = try w.outputShape(input)
        if input.isMeta {
            return (Tensor(storage: nil, shape: outShape, dtype: input.dtype, device: .meta),
                    Tensor(storage: nil, shape: outShape, dtype: .int64, device: .meta))
        }
        let h = input.sizes[input.rank - 2], wd = input.sizes[input.rank - 1]
        let oh = outShape[outShape.count - 2], ow = outShape[outShape.count - 1]
        let x = try input.toDoubles()
        let planes = outShape.reduce(1, *) / max(oh * ow, 1)
        var values = [Double](repeating: 0, count: planes * oh * ow)
        var indices = [Double](repeating: 0, count: values.count)
        for p in 0..<planes {
            let plane = p * h * wd
            for oy in 0..<oh {
                let ys = (0..<w.kernel[0]).map { oy * w.stride[0] - w.padding[0] + $0 * w.dilation[0] }.filter { $0 >= 0 && $0 < h }
                for ox in 0..<ow {
                    let xs = (0..<w.kernel[1]).map { ox * w.stride[1] - w.padding[1] + $0 * w.dilation[1] }.filter { $0 >= 0 && $0 < wd }
                    var best = -Double.infinity, bestIndex = (ys.first ?? 0) * wd + (xs.first ?? 0)
                    for iy in ys {
                        for ix in xs {
                            let v = x[plane + iy * wd + ix]
                            if v > best || v.isNaN { best = v; bestIndex = iy * wd + ix }
                        }
                    }
                    values[(p * oh + oy) * ow + ox] = best
                    indices[(p * oh + oy) * ow + ox] = Double(bestIndex)
                }
            }
        }
        return (Tensor(values, shape: outShape, dtype: input.dtype), Tensor(indices, shape: outShape, dtype: .int64))
    }
}
