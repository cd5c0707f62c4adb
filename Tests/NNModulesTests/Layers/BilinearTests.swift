import NNModules
import Testing

/// Bilinear: x₁ᵀ A x₂ + b by hand and against a triple loop, leading dimensions, meta, empty batch, errors.
@Suite struct BilinearTests {
    @Test func handDerived() throws {
        let m = Bilinear(2, 2, 1)
        try setParameter(m, "weight", [1, 2, 3, 4])
        try setParameter(m, "bias", [0.5])
        let x1 = tensor([1, 0, 1, 1], [2, 2]), x2 = tensor([0, 1, 1, 1], [2, 2])
        // Row 0 picks A[0][1] = 2; row 1 sums A = 10.
        try expectClose(try #require(try m(.tensor(x1), .tensor(x2)).tensor), [2.5, 10.5])
    }

    @Test func matchesTheTripleLoopOverLeadingDimensions() throws {
        let m = Bilinear(3, 4, 5)
        let x1 = Tensor.randn([2, 3, 3]), x2 = try Tensor.randn([3, 2, 4]).transpose(0, 1)
        let y = try #require(try m(.tensor(x1), .tensor(x2)).tensor)
        #expect(y.sizes == [2, 3, 5])
        let a = try #require(m.weight).toDoubles(), b = try #require(m.bias).toDoubles()
        let u = try x1.toDoubles(), v = try x2.toDoubles()
        var expected: [Double] = []
        for r in 0..<6 {
            for o in 0..<5 {
                var s = b[o]
                for i in 0..<3 { for j in 0..<4 { s += u[r * 3 + i] * a[(o * 3 + i) * 4 + j] * v[r * 4 + j] } }
                expected.append(s)
            }
        }
        try expectClose(y, expected)
    }

    @Test func metaEmptyReprAndErrors() throws {
        let m = Bilinear(3, 4, 5, bias: false)
        #expect(m.extraRepr() == "in1_features=3, in2_features=4, out_features=5, bias=False")
        #expect(try m(.tensor(Tensor.empty([0, 3])), .tensor(Tensor.empty([0, 4]))).tensor?.sizes == [0, 5])
        let meta = try m(.tensor(Tensor.empty([7, 3], device: .meta)), .tensor(Tensor.empty([7, 4], device: .meta))).tensor
        #expect(meta?.sizes == [7, 5])
        #expect(meta?.isMeta == true)
        #expect(torchErrorMessage { try m(.tensor(Tensor.zeros([2, 3])), .tensor(Tensor.zeros([3, 4]))) }
            == "bilinear(): input batch dimensions do not match: got 2 and 3")
        #expect(torchErrorMessage { try m(.tensor(Tensor.zeros([2, 2])), .tensor(Tensor.zeros([2, 4]))) }
            == "bilinear(): input1 size does not match weight size: got 2 but expected 3")
    }
}
