import Foundation
import NNModules
import Testing

/// LSTM, GRU and RNN: single units by hand, multi-layer / bidirectional / projected stacks against the
/// plain-loop reference, layouts (batch_first, unbatched), dropout between layers, meta and errors.
@Suite struct RecurrentTests {
    private func outputs(_ value: Value) throws -> (Tensor, Value) {
        guard case .tuple(let items) = value, items.count == 2, let output = items[0].tensor else {
            throw TorchError.typeError("expected (output, hidden)")
        }
        return (output, items[1])
    }

    private func lstmStates(_ hidden: Value) throws -> (Tensor, Tensor) {
        guard case .tuple(let pair) = hidden, pair.count == 2, let h = pair[0].tensor, let c = pair[1].tensor else {
            throw TorchError.typeError("expected (h_n, c_n)")
        }
        return (h, c)
    }

    @Test func tanhAndReluUnitsByHand() throws {
        let rnn = try RNN(1, 1)
        for (name, v) in [("weight_ih_l0", 0.5), ("weight_hh_l0", -1), ("bias_ih_l0", 0.1), ("bias_hh_l0", 0)] {
            try setParameter(rnn, name, [v])
        }
        let (output, hidden) = try outputs(try rnn(.tensor(tensor([1, 2], [2, 1, 1]))))
        let h1 = tanh(0.6), h2 = tanh(1.1 - h1)
        try expectClose(output, [h1, h2])
        try expectClose(try #require(hidden.tensor), [h2])
        let relu = try RNN(1, 1, nonlinearity: "relu")
        for (name, v) in [("weight_ih_l0", 1.0), ("weight_hh_l0", 2), ("bias_ih_l0", 0), ("bias_hh_l0", -0.5)] {
            try setParameter(relu, name, [v])
        }
        try expectClose(try outputs(try relu(.tensor(tensor([1, -3, 1], [3, 1, 1])))).0, [0.5, 0, 0.5])
    }

    @Test func lstmUnitByHand() throws {
        let lstm = try LSTM(1, 1, bias: false)
        try setParameter(lstm, "weight_ih_l0", [1, 2, 3, 4])
        try setParameter(lstm, "weight_hh_l0", [0, 0, 0, 0])
        let (output, hidden) = try outputs(try lstm(.tensor(tensor([0.5], [1, 1, 1]))))
        func s(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        let c = s(0.5) * tanh(1.5), h = s(2) * tanh(c)
        try expectClose(output, [h])
        let (hN, cN) = try lstmStates(hidden)
        try expectClose(hN, [h])
        try expectClose(cN, [c])
    }

    @Test func gruUnitByHand() throws {
        let gru = try GRU(1, 1, bias: false)
        try setParameter(gru, "weight_ih_l0", [1, 1, 1])
        try setParameter(gru, "weight_hh_l0", [1, 1, 1])
        let x = tensor([1], [1, 1, 1]), h0 = tensor([0.5], [1, 1, 1])
        let (output, _) = try outputs(try gru(.tensor(x), .tensor(h0)))
        func s(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        let r = s(1.5), z = s(1.5), n = tanh(1 + r * 0.5)
        try expectClose(output, [(1 - z) * n + z * 0.5])
    }

    @Test(arguments: ["LSTM", "GRU", "RNN_TANH"])
    func stackedBidirectionalMatchesTheReference(_ mode: String) throws {
        let module: RNNBase = switch mode {
        case "LSTM": try LSTM(3, 4, numLayers: 2, bidirectional: true)
        case "GRU": try GRU(3, 4, numLayers: 2, bidirectional: true)
        default: try RNN(3, 4, numLayers: 2, bidirectional: true)
        }
        let x = Tensor.randn([5, 2, 3]), h0 = Tensor.randn([4, 2, 4]), c0 = Tensor.randn([4, 2, 4])
        let hx: Value = mode == "LSTM" ? .tuple([.tensor(h0), .tensor(c0)]) : .tensor(h0)
        let (output, hidden) = try outputs(try module(.tensor(x), hx))
        let expected = try RecurrentReference(module: module).run(x, h0: h0, c0: c0)
        #expect(output.sizes == [5, 2, 8])
        try expectClose(output, expected.output)
        if mode == "LSTM" {
            let (hN, cN) = try lstmStates(hidden)
            try expectClose(hN, expected.h)
            try expectClose(cN, expected.c)
        } else {
            try expectClose(try #require(hidden.tensor), expected.h)
        }
    }

    @Test func projectedLstmAndBatchFirst() throws {
        let lstm = try LSTM(3, 5, numLayers: 2, batchFirst: true, projSize: 2)
        let x = Tensor.randn([2, 4, 3])
        let (output, hidden) = try outputs(try lstm(.tensor(x)))
        #expect(output.sizes == [2, 4, 2])
        let expected = try RecurrentReference(module: lstm).run(try x.transpose(0, 1).contiguous())
        try expectClose(try output.transpose(0, 1), expected.output)
        let (hN, cN) = try lstmStates(hidden)
        #expect(hN.sizes == [2, 2, 2])
        #expect(cN.sizes == [2, 2, 5])
        try expectClose(hN, expected.h)
        try expectClose(cN, expected.c)
    }

    @Test func unbatchedInputMatchesABatchOfOne() throws {
        let gru = try GRU(3, 4, batchFirst: true)
        let x = Tensor.randn([6, 3])
        let (single, hidden) = try outputs(try gru(.tensor(x)))
        let (batched, _) = try outputs(try gru(.tensor(try x.unsqueeze(0))))
        #expect(single.sizes == [6, 4])
        #expect(hidden.tensor?.sizes == [1, 4])
        try expectClose(single, try batched.select(0, 0))
    }

    @Test func dropoutZeroesBetweenLayersOnlyInTraining() throws {
        let lstm = try LSTM(2, 3, numLayers: 2, dropout: 1)
        let x = Tensor.randn([4, 1, 2])
        let reference = RecurrentReference(module: lstm)
        try expectClose(try outputs(try lstm(.tensor(x))).0, try reference.run(x, zeroBetweenLayers: true).output)
        lstm.eval()
        try expectClose(try outputs(try lstm(.tensor(x))).0, try reference.run(x).output)
    }

    @Test func emptyBatchNonContiguousAndMeta() throws {
        let rnn = try RNN(3, 4, numLayers: 2)
        #expect(try outputs(try rnn(.tensor(Tensor.empty([5, 0, 3])))).0.sizes == [5, 0, 4])
        let x = try Tensor.randn([2, 5, 3]).transpose(0, 1)
        try expectClose(try outputs(try rnn(.tensor(x))).0, try outputs(try rnn(.tensor(try x.contiguous()))).0)
        let lstm = try TensorDefaults.$device.withValue(.meta) { try LSTM(512, 1024, numLayers: 3, bidirectional: true, projSize: 256) }
        let (output, hidden) = try outputs(try lstm(.tensor(Tensor.empty([100, 8, 512], device: .meta))))
        #expect(output.sizes == [100, 8, 512])
        #expect(output.isMeta)
        let (hN, cN) = try lstmStates(hidden)
        #expect(hN.sizes == [6, 8, 256])
        #expect(cN.sizes == [6, 8, 1024])
    }

    @Test func errorsAndWarningsAreTorchs() throws {
        let lstm = try LSTM(3, 4, numLayers: 2)
        #expect(torchErrorMessage { try lstm(.tensor(Tensor.zeros([3]))) } == "LSTM: Expected input to be 2D or 3D, got 1D instead")
        #expect(torchErrorMessage { try lstm(.tensor(Tensor.zeros([2, 1, 5]))) }
            == "input.size(-1) must be equal to input_size. Expected 3, got 5")
        #expect(torchErrorMessage { try lstm(.tensor(Tensor.zeros([2, 1, 3])), .tuple([.tensor(Tensor.zeros([1, 1, 4])), .tensor(Tensor.zeros([2, 1, 4]))])) }
            == "Expected hidden[0] size (2, 1, 4), got [1, 1, 4]")
        #expect(torchErrorMessage { try lstm(.tensor(Tensor.zeros([2, 3])), .tuple([.tensor(Tensor.zeros([2, 1, 4])), .tensor(Tensor.zeros([2, 4]))])) }
            == "For unbatched 2-D input, hx and cx should also be 2-D but got (3-D, 2-D) tensors")
        #expect(torchErrorMessage { try lstm(.tensor(Tensor.zeros([2, 1, 3], dtype: .float64))) }
            == "input must have the type torch.float32, got type torch.float64")
        let gru = try GRU(3, 4)
        #expect(torchErrorMessage { try gru(.tensor(Tensor.zeros([2, 1, 3])), .tensor(Tensor.zeros([1, 2, 4]))) }
            == "Expected hidden size (1, 1, 4), got [1, 2, 4]")
        #expect(torchErrorMessage { try gru(.tensor(Tensor.zeros([2, 1, 3])), .tensor(Tensor.zeros([1, 4]))) }
            == "For batched 3-D input, hx should also be 3-D but got 2-D tensor")
        let (_, warnings) = try Warnings.capture { try GRU(3, 4, dropout: 0.5) }
        #expect(warnings.map(\.message) == ["dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=0.5 and num_layers=1"])
    }
}
