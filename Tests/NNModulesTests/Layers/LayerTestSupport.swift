import NNModules
import Testing

/// Helpers shared by the layer tests: tensors from value lists, tolerant comparison, and straightforward
/// loop references that follow PyTorch's definitions independently of nntop's kernels.
func tensor(_ values: [Double], _ shape: [Int], _ dtype: DType = .float32) -> Tensor {
    Tensor(values, shape: shape, dtype: dtype)
}

/// 0, 1, 2, ... in `shape` (float32 unless told).
func ramp(_ shape: [Int], dtype: DType = .float32) -> Tensor {
    let n = shape.reduce(1, *)
    return Tensor((0..<n).map(Double.init), shape: shape, dtype: dtype)
}

func expectClose(_ actual: Tensor, _ expected: [Double], tolerance: Double = 1e-5,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    let got = try actual.toDoubles()
    #expect(got.count == expected.count, "count \(got.count) != \(expected.count)", sourceLocation: sourceLocation)
    for (i, (a, b)) in zip(got, expected).enumerated() where !(Swift.abs(a - b) <= tolerance * max(1, Swift.abs(b))) {
        Issue.record("element \(i): \(a) != \(b)", sourceLocation: sourceLocation)
        return
    }
}

func expectClose(_ actual: Tensor, _ expected: Tensor, tolerance: Double = 1e-5,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(actual.sizes == expected.sizes, sourceLocation: sourceLocation)
    try expectClose(actual, try expected.toDoubles(), tolerance: tolerance, sourceLocation: sourceLocation)
}

/// The message of the TorchError `body` throws (nil if it does not throw one).
func torchErrorMessage(_ body: () throws -> Any) -> String? {
    do {
        _ = try body()
        return nil
    } catch let error as TorchError {
        return error.message
    } catch {
        return "\(error)"
    }
}

/// Direct-loop 2-D cross-correlation of PyTorch's Conv2d definition, with asymmetric zero padding
/// (top, left, bottom, right).
func referenceConv2d(_ x: Tensor, _ w: Tensor, bias: Tensor?, stride: [Int] = [1, 1], pad: [Int] = [0, 0, 0, 0],
                     dilation: [Int] = [1, 1], groups: Int = 1) throws -> Tensor {
    let (n, c, h, wd) = (x.sizes[0], x.sizes[1], x.sizes[2], x.sizes[3])
    let (co, kh, kw) = (w.sizes[0], w.sizes[2], w.sizes[3])
    let oh = (h + pad[0] + pad[2] - dilation[0] * (kh - 1) - 1) / stride[0] + 1
    let ow = (wd + pad[1] + pad[3] - dilation[1] * (kw - 1) - 1) / stride[1] + 1
    let xv = try x.toDoubles(), wv = try w.toDoubles(), bv = try bias?.toDoubles()
    let cinG = c / groups, coutG = co / groups
    var out = [Double](repeating: 0, count: n * co * oh * ow)
    for b in 0..<n { for o in 0..<co { for y in 0..<oh { for xx in 0..<ow {
        var s = bv?[o] ?? 0
        let g = o / coutG
        for ci in 0..<cinG { for ky in 0..<kh { for kx in 0..<kw {
            let iy = y * stride[0] - pad[0] + ky * dilation[0], ix = xx * stride[1] - pad[1] + kx * dilation[1]
            guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
            s += xv[((b * c + g * cinG + ci) * h + iy) * wd + ix] * wv[((o * cinG + ci) * kh + ky) * kw + kx]
        } } }
        out[((b * co + o) * oh + y) * ow + xx] = s
    } } } }
    return Tensor(out, shape: [n, co, oh, ow], dtype: x.dtype)
}

/// Direct scatter of PyTorch's ConvTranspose2d definition: every input pixel adds weight·value into the
/// output at `i·stride − padding + k·dilation`.
func referenceConvTranspose2d(_ x: Tensor, _ w: Tensor, bias: Tensor?, stride: [Int] = [1, 1], pad: [Int] = [0, 0],
                              outputPadding: [Int] = [0, 0], dilation: [Int] = [1, 1], groups: Int = 1) throws -> Tensor {
    let (n, c, h, wd) = (x.sizes[0], x.sizes[1], x.sizes[2], x.sizes[3])
    let (coutG, kh, kw) = (w.sizes[1], w.sizes[2], w.sizes[3])
    let co = coutG * groups, cinG = c / groups
    let oh = (h - 1) * stride[0] - 2 * pad[0] + dilation[0] * (kh - 1) + outputPadding[0] + 1
    let ow = (wd - 1) * stride[1] - 2 * pad[1] + dilation[1] * (kw - 1) + outputPadding[1] + 1
    let xv = try x.toDoubles(), wv = try w.toDoubles(), bv = try bias?.toDoubles()
    var out = [Double](repeating: 0, count: n * co * oh * ow)
    for b in 0..<n { for o in 0..<co { for y in 0..<oh { for xx in 0..<ow { out[((b * co + o) * oh + y) * ow + xx] = bv?[o] ?? 0 } } } }
    for b in 0..<n { for ci in 0..<c { for iy in 0..<h { for ix in 0..<wd {
        let g = ci / cinG
        for oc in 0..<coutG { for ky in 0..<kh { for kx in 0..<kw {
            let oy = iy * stride[0] - pad[0] + ky * dilation[0], ox = ix * stride[1] - pad[1] + kx * dilation[1]
            guard oy >= 0, oy < oh, ox >= 0, ox < ow else { continue }
            out[((b * co + g * coutG + oc) * oh + oy) * ow + ox] +=
                xv[((b * c + ci) * h + iy) * wd + ix] * wv[((ci * coutG + oc) * kh + ky) * kw + kx]
        } } }
    } } } }
    return Tensor(out, shape: [n, co, oh, ow], dtype: x.dtype)
}

/// Copies `values` into a module's parameter (for hand-set weights).
func setParameter(_ module: Module, _ name: String, _ values: [Double]) throws {
    let p = try #require(module.parameter(name))
    try GradMode.noGrad { try p.copy_(Tensor(values, shape: p.sizes, dtype: p.dtype)) }
}
