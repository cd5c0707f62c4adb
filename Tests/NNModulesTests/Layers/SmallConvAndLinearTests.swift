import NNModules
import Testing

/// Small float32 convolutions (ungrouped, ≤ 256 weights per filter, ≤ 2^15 outputs per image) are computed
/// directly, four filters and eight columns at a time, and linear layers on ≤ 4 rows as dot products:
/// partial filter blocks, partial column blocks, strides 1 and 2, dilation, padding, bias or none, and
/// every row count up to the limit match the definitions.
@Suite struct SmallConvAndLinearTests {
    @Test(arguments: [
        (cin: 1, cout: 6, kernel: 5, stride: 1, padding: 0, dilation: 1, width: 28, bias: true),
        (cin: 6, cout: 16, kernel: 5, stride: 1, padding: 0, dilation: 1, width: 12, bias: true),
        (cin: 3, cout: 7, kernel: 3, stride: 2, padding: 1, dilation: 1, width: 19, bias: false),
        (cin: 2, cout: 5, kernel: 3, stride: 1, padding: 2, dilation: 2, width: 13, bias: true),
        (cin: 4, cout: 1, kernel: 3, stride: 2, padding: 0, dilation: 1, width: 30, bias: true),
        (cin: 2, cout: 9, kernel: 1, stride: 1, padding: 0, dilation: 1, width: 9, bias: false),
    ])
    func smallConvolutionsMatchTheDirectLoopDefinition(
        _ c: (cin: Int, cout: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, width: Int, bias: Bool)
    ) throws {
        let conv = try Conv2d(c.cin, c.cout, kernelSize: .int(c.kernel), stride: .int(c.stride), padding: .explicit(.int(c.padding)),
                              dilation: .int(c.dilation), bias: c.bias)
        let x = Tensor.randn([2, c.cin, 11, c.width])
        let expected = try referenceConv2d(x, try #require(conv.weight), bias: conv.bias, stride: [c.stride, c.stride],
                                           pad: [Int](repeating: c.padding, count: 4), dilation: [c.dilation, c.dilation])
        try expectClose(try conv(x), expected, tolerance: 1e-4)
    }

    @Test(arguments: [(rows: 1, k: 7, bias: true), (rows: 2, k: 256, bias: true), (rows: 3, k: 37, bias: false),
                      (rows: 4, k: 120, bias: true), (rows: 5, k: 24, bias: true)])
    func linearOnFewRowsIsTheDotProductOfRows(_ c: (rows: Int, k: Int, bias: Bool)) throws {
        let layer = try Linear(c.k, 11, bias: c.bias)
        let x = Tensor.randn([c.rows, c.k])
        let weight = try #require(layer.weight).toDoubles(), xs = try x.toDoubles(), bias = try layer.bias?.toDoubles()
        var expected: [Double] = []
        for i in 0..<c.rows {
            for j in 0..<11 {
                var sum = bias?[j] ?? 0
                for p in 0..<c.k { sum += xs[i * c.k + p] * weight[j * c.k + p] }
                expected.append(sum)
            }
        }
        try expectClose(try layer(x), expected, tolerance: 1e-4)
    }
}
