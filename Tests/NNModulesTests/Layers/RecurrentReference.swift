import Foundation
import NNModules

/// A plain-loop LSTM/GRU/RNN following the equations in PyTorch's documentation, one sample and one unit
/// at a time, reading the module's parameters by name. Input is sequence-first [L, N, input].
struct RecurrentReference {
    let module: RNNBase

    private func matrix(_ name: String) throws -> [[Double]]? {
        guard let p = module.parameter(name) else { return nil }
        let v = try p.toDoubles(), columns = p.sizes.count > 1 ? p.sizes[1] : v.count
        return stride(from: 0, to: v.count, by: columns).map { Array(v[$0..<($0 + columns)]) }
    }

    private func times(_ m: [[Double]]?, _ v: [Double]) -> [Double]? {
        m?.map { row in zip(row, v).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    private func sigmoid(_ v: Double) -> Double { 1 / (1 + exp(-v)) }

    /// - Parameter zeroBetweenLayers: what dropout with p = 1 does to every layer's output but the last.
    /// - Returns: output [L, N, D·h], h_n [layers·D, N, h], c_n [layers·D, N, hidden] (flattened).
    func run(_ input: Tensor, h0: Tensor? = nil, c0: Tensor? = nil, zeroBetweenLayers: Bool = false) throws -> (output: [Double], h: [Double], c: [Double]) {
        let (length, batch) = (input.sizes[0], input.sizes[1])
        let directions = module.bidirectional ? 2 : 1
        let hidden = module.hiddenSize, out = module.projSize > 0 ? module.projSize : hidden
        let x = try input.toDoubles(), features = input.sizes[2]
        var layerInput = (0..<length).map { t in (0..<batch).map { n in Array(x[((t * batch + n) * features)..<((t * batch + n + 1) * features)]) } }
        let h0v = try h0?.toDoubles(), c0v = try c0?.toDoubles()
        var hN: [Double] = [], cN: [Double] = []
        for layer in 0..<module.numLayers {
            var outputs = [[[Double]]](repeating: [[Double]](repeating: [], count: batch), count: length)
            for direction in 0..<directions {
                let suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
                let wih = try matrix("weight_ih" + suffix), whh = try matrix("weight_hh" + suffix), whr = try matrix("weight_hr" + suffix)
                let bih = try module.parameter("bias_ih" + suffix)?.toDoubles(), bhh = try module.parameter("bias_hh" + suffix)?.toDoubles()
                let index = layer * directions + direction
                var h = (0..<batch).map { n in (0..<out).map { h0v?[(index * batch + n) * out + $0] ?? 0 } }
                var c = (0..<batch).map { n in (0..<hidden).map { c0v?[(index * batch + n) * hidden + $0] ?? 0 } }
                for step in 0..<length {
                    let t = direction == 1 ? length - 1 - step : step
                    for n in 0..<batch {
                        let gi = zip(times(wih, layerInput[t][n]) ?? [], bih ?? [Double](repeating: 0, count: 4 * hidden)).map { $0 + $1 }
                        let gh = zip(times(whh, h[n]) ?? [], bhh ?? [Double](repeating: 0, count: 4 * hidden)).map { $0 + $1 }
                        var newH = [Double](repeating: 0, count: hidden)
                        for j in 0..<hidden {
                            switch module.mode {
                            case "LSTM":
                                let i = sigmoid(gi[j] + gh[j]), f = sigmoid(gi[hidden + j] + gh[hidden + j])
                                let g = tanh(gi[2 * hidden + j] + gh[2 * hidden + j]), o = sigmoid(gi[3 * hidden + j] + gh[3 * hidden + j])
                                c[n][j] = f * c[n][j] + i * g
                                newH[j] = o * tanh(c[n][j])
                            case "GRU":
                                let r = sigmoid(gi[j] + gh[j]), z = sigmoid(gi[hidden + j] + gh[hidden + j])
                                let candidate = tanh(gi[2 * hidden + j] + r * gh[2 * hidden + j])
                                newH[j] = (1 - z) * candidate + z * h[n][j]
                            case "RNN_RELU": newH[j] = max(0, gi[j] + gh[j])
                            default: newH[j] = tanh(gi[j] + gh[j])
                            }
                        }
                        h[n] = times(whr, newH) ?? newH
                        outputs[t][n] += h[n]
                    }
                }
                hN += h.flatMap { $0 }
                cN += c.flatMap { $0 }
            }
            let isLast = layer == module.numLayers - 1
            layerInput = zeroBetweenLayers && !isLast ? outputs.map { $0.map { $0.map { _ in 0 } } } : outputs
        }
        return (layerInput.flatMap { $0.flatMap { $0 } }, hN, cN)
    }
}
