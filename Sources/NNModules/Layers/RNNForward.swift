import Foundation

/// The forward pass of LSTM, GRU and RNN (torch `_VF.lstm/gru/rnn_tanh/rnn_relu`): layer by layer, each
/// direction runs over time with the input projections of all steps done in one GEMM; between layers the
/// concatenated directions pass through dropout in training mode. Batched or unbatched, batch_first, with or
/// without initial states, and LSTM projections (`proj_size`).
extension RNNBase {
    var directions: Int { bidirectional ? 2 : 1 }
    /// The size of `h` (the projection size for a projected LSTM).
    var outputHiddenSize: Int { projSize > 0 ? projSize : hiddenSize }

    func recurrentForward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        guard let input = (args.first ?? kwargs["input"])?.tensor else {
            throw TorchError.typeError("\(typeName).forward() missing 1 required positional argument: 'input'")
        }
        let hx = args.count > 1 ? args[1] : kwargs["hx"] ?? .none
        guard input.rank == 2 || input.rank == 3 else {
            throw TorchError.valueError("\(typeName): Expected input to be 2D or 3D, got \(input.rank)D instead")
        }
        let batched = input.rank == 3
        var x = batched ? input : try input.unsqueeze(batchFirst ? 0 : 1)
        if batchFirst { x = try x.transpose(0, 1) }
        let (h0, c0) = try initialStates(hx, batched: batched, batch: x.sizes[1], dtype: input.dtype)
        if let weight = parameter("weight_ih_l0"), weight.dtype != input.dtype {
            throw TorchError.valueError("input must have the type \(weight.dtype.torchName), got type \(input.dtype.torchName)")
        }
        guard x.sizes[2] == inputSize else {
            throw TorchError.runtimeError("input.size(-1) must be equal to input_size. Expected \(inputSize), got \(x.sizes[2])")
        }
        var (output, hN, cN, masks) = try GradMode.noGrad { try run(x, h0: h0, c0: c0) }
        recordRecurrence(x: x, h0: h0, c0: c0, outputs: [output, hN, cN], dropoutMasks: masks)
        if batchFirst { output = try output.transpose(0, 1) }
        if !batched {
            output = try output.squeeze(batchFirst ? 0 : 1)
            hN = try hN.squeeze(1)
            cN = try cN.squeeze(1)
        }
        let hidden: Value = mode == "LSTM" ? .tuple([.tensor(hN), .tensor(cN)]) : .tensor(hN)
        return .tuple([.tensor(output), hidden])
    }

    /// h₀ (and c₀ for LSTM) as [layers·directions, N, size], zeros when not given, with PyTorch's checks.
    private func initialStates(_ hx: Value, batched: Bool, batch: Int, dtype: DType) throws -> (Tensor, Tensor) {
        let layers = numLayers * directions
        let device: Device = parameter("weight_ih_l0")?.device ?? .cpu
        let zerosH = Tensor.zeros([layers, batch, outputHiddenSize], dtype: dtype, device: device)
        let zerosC = Tensor.zeros([layers, batch, hiddenSize], dtype: dtype, device: device)
        let expectedRank = batched ? 3 : 2
        let batchKind = batched ? "batched 3-D" : "unbatched 2-D"
        func unbatch(_ t: Tensor) throws -> Tensor { batched ? t : try t.unsqueeze(1) }
        func check(_ t: Tensor, _ expected: [Int], _ what: String) throws {
            guard t.sizes == expected else {
                throw TorchError.runtimeError("Expected \(what) size (\(expected.map(String.init).joined(separator: ", "))), got \(Tensor.pythonShape(t.sizes))")
            }
        }
        if mode == "LSTM" {
            if hx.isNone { return (zerosH, zerosC) }
            guard case .tuple(let pair) = hx, pair.count == 2, let h = pair[0].tensor, let c = pair[1].tensor else {
                throw TorchError.typeError("LSTM expects hx to be a tuple (h_0, c_0) of tensors")
            }
            guard h.rank == expectedRank, c.rank == expectedRank else {
                throw TorchError.runtimeError("For \(batchKind) input, hx and cx should also be \(expectedRank)-D but got (\(h.rank)-D, \(c.rank)-D) tensors")
            }
            let (h3, c3) = (try unbatch(h), try unbatch(c))
            try check(h3, zerosH.sizes, "hidden[0]")
            try check(c3, zerosC.sizes, "hidden[1]")
            return (h3, c3)
        }
        if hx.isNone { return (zerosH, zerosC) }
        guard let h = hx.tensor else { throw TorchError.typeError("\(typeName) expects hx to be a tensor") }
        guard h.rank == expectedRank else {
            throw TorchError.runtimeError("For \(batchKind) input, hx should also be \(expectedRank)-D but got \(h.rank)-D tensor")
        }
        let h3 = try unbatch(h)
        try check(h3, zerosH.sizes, "hidden")
        return (h3, zerosC)
    }

    /// All layers over a sequence-first [L, N, input] tensor → (output, h_n, c_n) and the dropout masks
    /// applied between layers (for the derivative).
    private func run(_ x: Tensor, h0: Tensor, c0: Tensor) throws -> (Tensor, Tensor, Tensor, [Tensor]) {
        let (length, batch) = (x.sizes[0], x.sizes[1])
        guard length > 0 else { throw TorchError.runtimeError("Expected sequence length to be larger than 0 in RNN") }
        // Meta inputs and empty batches only need the shapes.
        if x.isMeta || h0.isMeta || batch == 0 {
            let device: Device = x.isMeta || h0.isMeta ? .meta : .cpu
            func empty(_ shape: [Int]) -> Tensor { Tensor.empty(shape, dtype: x.dtype, device: device) }
            return (empty([length, batch, directions * outputHiddenSize]), empty(h0.sizes), empty(c0.sizes), [])
        }
        var layerInput = x
        var finalH: [Tensor] = [], finalC: [Tensor] = [], masks: [Tensor] = []
        for layer in 0..<numLayers {
            var perDirection: [Tensor] = []
            for direction in 0..<directions {
                let index = layer * directions + direction
                let (out, h, c) = try runDirection(layerInput, layer: layer, reverse: direction == 1,
                                                   h0: try h0.select(0, index), c0: try c0.select(0, index))
                perDirection.append(out)
                finalH.append(h)
                finalC.append(c)
            }
            layerInput = try Tensor.cat(perDirection, dim: 2)
            if training && dropout > 0 && layer < numLayers - 1 {
                masks.append(Tensor.dropoutMask(layerInput.sizes, p: dropout, dtype: layerInput.dtype))
                layerInput = try layerInput * masks[layer]
            }
        }
        func stack(_ states: [Tensor]) throws -> Tensor { try Tensor.cat(try states.map { try $0.unsqueeze(0) }, dim: 0) }
        return (layerInput, try stack(finalH), try stack(finalC), masks)
    }

    /// One layer, one direction: returns the [L, N, h] outputs and the final h [N, h] and c [N, hidden].
    private func runDirection(_ x: Tensor, layer: Int, reverse: Bool, h0: Tensor, c0: Tensor) throws -> (Tensor, Tensor, Tensor) {
        let suffix = "_l\(layer)" + (reverse ? "_reverse" : "")
        guard let wIH = parameter("weight_ih" + suffix), let wHH = parameter("weight_hh" + suffix) else {
            throw TorchError.attributeError("'\(typeName)' object has no attribute 'weight_ih\(suffix)'")
        }
        let (bIH, bHH, wHR) = (parameter("bias_ih" + suffix), parameter("bias_hh" + suffix), parameter("weight_hr" + suffix))
        let (length, batch) = (x.sizes[0], x.sizes[1])
        let hiddenOut = outputHiddenSize, width = wIH.sizes[0]
        // Input projections of every step at once: [L·N, gates·hidden].
        let inputGates = try Tensor.linear(try x.reshape([length * batch, x.sizes[2]]), weight: wIH, bias: bIH).toDoubles()
        var h = h0, c = try c0.toDoubles()
        var outputs = [Double](repeating: 0, count: length * batch * hiddenOut)
        for step in 0..<length {
            let t = reverse ? length - 1 - step : step
            let hiddenGates = try Tensor.linear(h, weight: wHH, bias: bHH).toDoubles()
            let previous = try h.toDoubles()
            var next = [Double](repeating: 0, count: batch * hiddenSize)
            for n in 0..<batch {
                let gi = (t * batch + n) * width, gh = n * width
                for j in 0..<hiddenSize {
                    func gate(_ k: Int) -> (Double, Double) { (inputGates[gi + k * hiddenSize + j], hiddenGates[gh + k * hiddenSize + j]) }
                    let previousH = mode == "GRU" ? previous[n * hiddenOut + j] : 0
                    next[n * hiddenSize + j] = cell(gate, previousH: previousH, c: &c[n * hiddenSize + j])
                }
            }
            h = Tensor(next, shape: [batch, hiddenSize], dtype: x.dtype)
            if let wHR { h = try Tensor.linear(h, weight: wHR, bias: nil) }
            let values = try h.toDoubles()
            for i in 0..<(batch * hiddenOut) { outputs[t * batch * hiddenOut + i] = values[i] }
        }
        return (Tensor(outputs, shape: [length, batch, hiddenOut], dtype: x.dtype), h,
                Tensor(c, shape: [batch, hiddenSize], dtype: x.dtype))
    }

    /// One unit of one cell step. `gate(k)` gives (input part, hidden part) of gate chunk `k`; `previousH` is
    /// the unit's previous h (GRU only; GRU has no projection); `c` is LSTM's cell state.
    private func cell(_ gate: (Int) -> (Double, Double), previousH: Double, c: inout Double) -> Double {
        func sigmoid(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }
        switch mode {
        case "LSTM":
            let (i, f, g, o) = (gate(0), gate(1), gate(2), gate(3))
            c = sigmoid(f.0 + f.1) * c + sigmoid(i.0 + i.1) * Foundation.tanh(g.0 + g.1)
            return sigmoid(o.0 + o.1) * Foundation.tanh(c)
        case "GRU":
            let (r, z, n) = (gate(0), gate(1), gate(2))
            let reset = sigmoid(r.0 + r.1), update = sigmoid(z.0 + z.1)
            let candidate = Foundation.tanh(n.0 + reset * n.1)
            return (1 - update) * candidate + update * previousH
        case "RNN_RELU":
            let a = gate(0)
            return max(a.0 + a.1, 0)
        default:
            let a = gate(0)
            return Foundation.tanh(a.0 + a.1)
        }
    }
}
