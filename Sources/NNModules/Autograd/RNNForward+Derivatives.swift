/// The derivative of LSTM, GRU and RNN layers (backpropagation through time). The forward computes its
/// values in one fused loop per layer and direction; the backward runs the same recurrence again, built
/// from differentiable operations (linear, sigmoid, tanh, relu, products, stack and cat) over detached
/// copies of the inputs and parameters with the forward's dropout masks, and differentiates that graph.
/// This is the gradient of the same function without a second hand-written derivative of every gate, and
/// the forward's numbers stay those of the fused loop.
extension RNNBase {
    /// Records the node of one recurrent forward: inputs `x` (sequence first), `h0`, `c0` and this module's
    /// parameters; outputs (output, h_n, c_n).
    func recordRecurrence(x: Tensor, h0: Tensor, c0: Tensor, outputs: [Tensor], dropoutMasks: [Tensor]) {
        let named = namedParameters(recurse: false, removeDuplicate: false)
        let inputs: [Tensor] = [x, h0, c0] + named.map { $0.parameter as Tensor }
        Tensor.recordOperation(mode == "LSTM" ? "MkldnnRnnLayerBackward0" : "RnnBackward0", inputs: inputs, outputs: outputs, saving: inputs) { [self] grads in
            try GradMode.enableGrad {
                let leaves = try inputs.map { try $0.detach().requiresGrad_($0.dtype.isFloatingPoint) }
                let weights = Dictionary(uniqueKeysWithValues: zip(named.map(\.name), leaves.dropFirst(3)))
                let replayed = try differentiableRun(leaves[0], h0: leaves[1], c0: leaves[2], weights: weights, dropoutMasks: dropoutMasks)
                var objective: Tensor?
                for (value, grad) in zip(replayed, grads) {
                    guard let grad else { continue }
                    let term = try (try value * grad).sum()
                    objective = try objective.map { try $0 + term } ?? term
                }
                guard let objective else { return inputs.map { _ in nil } }
                try objective.backward()
                return leaves.map(\.grad)
            }
        }
    }

    /// `run`'s recurrence from differentiable operations: (output, h_n, c_n).
    private func differentiableRun(_ x: Tensor, h0: Tensor, c0: Tensor, weights: [String: Tensor],
                                   dropoutMasks: [Tensor]) throws -> [Tensor] {
        var layerInput = x
        var finalH: [Tensor] = [], finalC: [Tensor] = []
        for layer in 0..<numLayers {
            var perDirection: [Tensor] = []
            for direction in 0..<directions {
                let index = layer * directions + direction
                let suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
                let (out, h, c) = try differentiableDirection(layerInput, suffix: suffix, reverse: direction == 1,
                                                              h0: try h0.select(0, index), c0: try c0.select(0, index), weights: weights)
                perDirection.append(out)
                finalH.append(h)
                finalC.append(c)
            }
            layerInput = try Tensor.cat(perDirection, dim: 2)
            if layer < dropoutMasks.count { layerInput = try layerInput * dropoutMasks[layer] }
        }
        return [layerInput, try Tensor.stack(finalH), try Tensor.stack(finalC)]
    }

    private func differentiableDirection(_ x: Tensor, suffix: String, reverse: Bool, h0: Tensor, c0: Tensor,
                                         weights: [String: Tensor]) throws -> (Tensor, Tensor, Tensor) {
        guard let wIH = weights["weight_ih" + suffix], let wHH = weights["weight_hh" + suffix] else {
            throw TorchError.attributeError("'\(typeName)' object has no attribute 'weight_ih\(suffix)'")
        }
        let (bIH, bHH, wHR) = (weights["bias_ih" + suffix], weights["bias_hh" + suffix], weights["weight_hr" + suffix])
        let (length, batch) = (x.sizes[0], x.sizes[1])
        let inputGates = try Tensor.linear(try x.reshape([length * batch, x.sizes[2]]), weight: wIH, bias: bIH)
            .reshape([length, batch, wIH.sizes[0]])
        var h = h0, c = c0
        var outputs = [Tensor?](repeating: nil, count: length)
        for step in 0..<length {
            let t = reverse ? length - 1 - step : step
            let gi = try inputGates.select(0, t).chunk(gateCount, dim: 1)
            let gh = try Tensor.linear(h, weight: wHH, bias: bHH).chunk(gateCount, dim: 1)
            switch mode {
            case "LSTM":
                let (i, f, g, o) = (try (gi[0] + gh[0]).sigmoid(), try (gi[1] + gh[1]).sigmoid(),
                                    try (gi[2] + gh[2]).tanh(), try (gi[3] + gh[3]).sigmoid())
                c = try f * c + i * g
                h = try o * c.tanh()
                if let wHR { h = try Tensor.linear(h, weight: wHR, bias: nil) }
            case "GRU":
                let reset = try (gi[0] + gh[0]).sigmoid(), update = try (gi[1] + gh[1]).sigmoid()
                let candidate = try (gi[2] + reset * gh[2]).tanh()
                h = try (-update + 1) * candidate + update * h
            case "RNN_RELU":
                h = try (gi[0] + gh[0]).relu()
            default:
                h = try (gi[0] + gh[0]).tanh()
            }
            outputs[t] = h
        }
        return (try Tensor.stack(outputs.compactMap { $0 }), h, c)
    }

    private var gateCount: Int { ["LSTM": 4, "GRU": 3][mode] ?? 1 }
}
