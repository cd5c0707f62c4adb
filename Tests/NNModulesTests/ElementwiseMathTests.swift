import Foundation
import NNModules
import Testing

/// pow, cos and sin (Pow.swift, Trigonometric.swift).
@Suite struct ElementwiseMathTests {
    @Test func powWithAFloatExponent() throws {
        let x = Tensor([-2, 0.5, 3], shape: [3])
        #expect(try x.pow(2).toDoubles() == [4, 0.25, 9])
        #expect(try x.pow(3).toDoubles() == [-8, 0.125, 27])
        #expect(try Tensor.arange(1, 3).pow(2).dtype == .float32)
    }

    @Test func cosAndSin() throws {
        let x = Tensor([0, Double.pi / 2], shape: [2], dtype: .float64)
        let c = try x.cos().toDoubles(), s = try x.sin().toDoubles()
        #expect(c[0] == 1 && Swift.abs(c[1]) < 1e-15)
        #expect(s[0] == 0 && s[1] == 1)
        #expect(try Tensor.empty([2, 3], device: .meta).sin().isMeta)
    }
}
