import NNModules
import Testing

/// The row-wise max-pool kernel against a direct maximum over every window: strides, padding, dilation,
/// ceil mode, odd sizes, float64, and NaN that must win wherever it sits in a window.
@Suite struct MaxPoolRowsTests {
    /// PyTorch's loop: padding never wins, a larger value or any NaN replaces the running maximum.
    private func reference(_ x: Tensor, kernel: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Bool) throws -> [Double] {
        let (planes, h, w) = (x.sizes[0] * x.sizes[1], x.sizes[2], x.sizes[3])
        func size(_ n: Int) -> Int {
            let span = n + 2 * padding - dilation * (kernel - 1) - 1
            var out = (span + (ceilMode ? stride - 1 : 0)) / stride + 1
            if ceilMode && (out - 1) * stride >= n + padding { out -= 1 }
            return out
        }
        let oh = size(h), ow = size(w), v = try x.toDoubles()
        var out = [Double]()
        for p in 0..<planes { for oy in 0..<oh { for ox in 0..<ow {
            var best = -Double.infinity
            for ky in 0..<kernel { for kx in 0..<kernel {
                let iy = oy * stride - padding + ky * dilation, ix = ox * stride - padding + kx * dilation
                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                let value = v[(p * h + iy) * w + ix]
                if value > best || value.isNaN { best = value }
            } }
            out.append(best)
        } } }
        return out
    }

    @Test(arguments: [
        (kernel: 3, stride: 2, padding: 1, dilation: 1, ceilMode: false),
        (kernel: 2, stride: 2, padding: 0, dilation: 1, ceilMode: true),
        (kernel: 3, stride: 1, padding: 1, dilation: 2, ceilMode: false),
        (kernel: 5, stride: 3, padding: 2, dilation: 1, ceilMode: true),
        (kernel: 1, stride: 2, padding: 0, dilation: 1, ceilMode: false),
    ])
    func matchesTheDirectMaximum(_ c: (kernel: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Bool)) throws {
        for dtype in [DType.float32, .float64] {
            var values = try Tensor.randn([2, 3, 13, 17], dtype: dtype).toDoubles()
            // NaN first in its window, last in its window, and next to larger values.
            for i in [0, 40, 41, 200, 663] { values[i] = .nan }
            values[42] = 1e30
            let x = Tensor(values, shape: [2, 3, 13, 17], dtype: dtype)
            let pool = MaxPool2d(kernelSize: .int(c.kernel), stride: .int(c.stride), padding: .int(c.padding),
                                 dilation: .int(c.dilation), ceilMode: c.ceilMode)
            let got = try pool(x).toDoubles()
            let want = try reference(x, kernel: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation, ceilMode: c.ceilMode)
            #expect(got.count == want.count)
            for (g, w) in zip(got, want) {
                #expect(g == w || (g.isNaN && w.isNaN), "\(dtype): \(g) vs \(w)")
            }
        }
    }

    @Test func allNegativeInfinityWindowsAndThreeDimensionalInput() throws {
        let x = Tensor([Double](repeating: -.infinity, count: 18), shape: [2, 3, 3])
        #expect(try MaxPool2d(kernelSize: 2, stride: 1)(x).toDoubles() == [Double](repeating: -.infinity, count: 8))
    }
}
