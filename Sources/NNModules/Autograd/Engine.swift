/// Reverse-mode execution (torch: `Tensor.backward`): gradients flow from the root through the recorded
/// nodes in dependency order; among ready nodes the most recently created runs first, as in PyTorch, which
/// fixes the order backward hooks fire in.
enum AutogradEngine {
    static func run(root: AutogradNode.Edge, gradient: Tensor, retainGraph: Bool) throws {
        var dependencies: [ObjectIdentifier: Int] = [:]
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(root.node)]
        var stack = [root.node]
        while let node = stack.popLast() {
            for case let edge? in node.nextEdges {
                let id = ObjectIdentifier(edge.node)
                dependencies[id, default: 0] += 1
                if seen.insert(id).inserted { stack.append(edge.node) }
            }
        }
        var buffers: [ObjectIdentifier: [Tensor?]] = [:]
        func add(_ grad: Tensor?, to edge: AutogradNode.Edge) throws {
            let id = ObjectIdentifier(edge.node)
            var buffer = buffers[id] ?? [Tensor?](repeating: nil, count: max(edge.node.outputCount, edge.inputNr + 1))
            if let grad {
                if let existing = buffer[edge.inputNr] {
                    buffer[edge.inputNr] = try GradMode.noGrad { try existing + grad }
                } else {
                    buffer[edge.inputNr] = grad
                }
            }
            buffers[id] = buffer
        }
        try add(gradient, to: root)
        var ready = [root.node]
        let observer = BackwardObservation.current?.observer
        while !ready.isEmpty {
            let index = ready.indices.max { ready[$0].sequenceNr < ready[$1].sequenceNr } ?? 0
            let node = ready.remove(at: index)
            let id = ObjectIdentifier(node)
            observer?.nodeWillRun(node)
            var incoming = buffers.removeValue(forKey: id) ?? []
            let inputGrads = try node.apply(&incoming)
            observer?.nodeDidRun(node)
            if !retainGraph { node.release() }
            for (i, edge) in node.nextEdges.enumerated() {
                guard let edge else { continue }
                try add(i < inputGrads.count ? inputGrads[i] : nil, to: edge)
                let nextID = ObjectIdentifier(edge.node)
                dependencies[nextID, default: 1] -= 1
                if dependencies[nextID] == 0 { ready.append(edge.node) }
            }
        }
    }
}

extension Tensor {
    /// torch: `backward(gradient=None, retain_graph=False)`; accumulates into the `.grad` of the leaves.
    public func backward(gradient: Tensor? = nil, retainGraph: Bool = false) throws {
        guard requiresGrad else {
            throw TorchError.runtimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        }
        let root = AutogradNode.Edge(node: gradFn ?? AutogradNode.accumulator(for: self), inputNr: gradFn == nil ? 0 : outputNr)
        let seed: Tensor
        if let gradient {
            guard gradient.sizes == sizes else {
                throw TorchError.runtimeError("Mismatch in shape: grad_output[0] has a shape of \(torchSize(gradient.sizes)) and output[0] has a shape of \(torchSize(sizes)).")
            }
            seed = gradient
        } else {
            guard count == 1 else { throw TorchError.runtimeError("grad can be implicitly created only for scalar outputs") }
            seed = Tensor.ones(sizes, dtype: dtype, device: device)
        }
        try AutogradEngine.run(root: root, gradient: seed, retainGraph: retainGraph)
    }

    /// Records `outputs` as computed from `inputs` by an operation named `name` (torch's `*Backward0`
    /// classes); `backward` maps the outputs' gradients to the inputs' gradients (nil where none). Does
    /// nothing under `noGrad` or when no input requires grad. `saving` names the tensors whose values
    /// `backward` reads: changing one in place before backward makes backward throw PyTorch's error
    /// instead of computing a wrong gradient. (A `backward` that reads an output should capture
    /// `output.detach()`, the same memory without a reference back to the node.)
    public static func recordOperation(_ name: String, inputs: [Tensor?], outputs: [Tensor], saving: [Tensor?] = [],
                                       backward: @escaping ([Tensor?]) throws -> [Tensor?]) {
        record(name, inputs: inputs, outputs: outputs, saving: saving, outputsAreViews: false, backward: backward)
    }

    /// `recordOperation`; `outputsAreViews` keeps the outputs' view origin (view operations, and the view
    /// an in-place change rebased). Any other operation's outputs are new tensors to autograd, even when
    /// its kernel returned a view of a temporary.
    static func record(_ name: String, inputs: [Tensor?], outputs: [Tensor], saving: [Tensor?] = [], outputsAreViews: Bool,
                       backward: @escaping ([Tensor?]) throws -> [Tensor?]) {
        guard GradMode.isEnabled, inputs.contains(where: { $0?.requiresGrad ?? false }) else { return }
        let edges: [AutogradNode.Edge?] = inputs.map { input in
            guard let input, input.requiresGrad else { return nil }
            if let fn = input.gradFn { return .init(node: fn, inputNr: input.outputNr) }
            return .init(node: AutogradNode.accumulator(for: input), inputNr: 0)
        }
        let node = AutogradNode(name: name, nextEdges: edges, outputCount: outputs.count, backward: backward)
        // A saved output is kept as a detached alias: the node must not keep its own output alive.
        node.saved = saving.compactMap { tensor in
            guard let tensor else { return nil }
            guard let i = outputs.firstIndex(where: { $0 === tensor }) else { return SavedTensor(tensor) }
            return SavedTensor(tensor.detach(), producer: name, outputNr: i)
        }
        for (i, output) in outputs.enumerated() {
            output.gradFn = node
            output.outputNr = i
            if !outputsAreViews { output.viewOrigin = nil }
        }
    }

    /// Sums a broadcast gradient back to `shape` (the reverse of `expand`): leading dimensions and those
    /// `shape` has as 1 are summed by the reduction kernel.
    public func sumTo(_ shape: [Int]) throws -> Tensor {
        if sizes == shape { return self }
        let lead = rank - shape.count
        guard lead >= 0, shape.indices.allSatisfy({ shape[$0] == 1 || shape[$0] == sizes[$0 + lead] }) else {
            throw TorchError.runtimeError("sumTo: cannot reduce \(torchSize(sizes)) to \(torchSize(shape))")
        }
        let dims = Array(0..<lead) + shape.indices.filter { shape[$0] == 1 && sizes[$0 + lead] != 1 }.map { $0 + lead }
        let reduced = dims.isEmpty ? self : try sum(dims: dims, keepdim: true)
        return try reduced.reshape(shape)
    }

    /// A contiguous copy that owns its memory (for `.grad`, which must not alias an input's gradient).
    func contiguousCopy() throws -> Tensor { try clone() }
}
