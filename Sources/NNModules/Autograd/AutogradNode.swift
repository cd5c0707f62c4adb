import Synchronization

/// A node of the recorded graph (torch: `grad_fn`): given the gradients of its outputs it returns the
/// gradients of its inputs, which flow along `nextEdges` (torch: `next_functions`).
public final class AutogradNode {
    public struct Edge {
        public let node: AutogradNode
        public let inputNr: Int
    }

    /// torch: `type(grad_fn).__name__` (`AddBackward0`, `AccumulateGrad`, ...).
    public let name: String
    public internal(set) var nextEdges: [Edge?]
    let outputCount: Int
    /// Higher runs first among ready nodes, like PyTorch's `sequence_nr` ordering (torch: `_sequence_nr()`).
    public let sequenceNr: Int
    private var backwardFn: (([Tensor?]) throws -> [Tensor?])?
    /// For `AccumulateGrad`: the leaf whose `.grad` receives the gradient.
    var leaf: Tensor?
    /// torch: `AccumulateGrad.variable` — the leaf this node accumulates into; nil for other nodes.
    public var variable: Tensor? { leaf }
    /// torch: `register_prehook` — sees (and may replace) the gradients of the outputs.
    var preHooks: [([Tensor?]) throws -> [Tensor?]?] = []
    /// torch: `register_hook` — sees the input gradients (and may replace them) and the output gradients.
    var postHooks: [([Tensor?], [Tensor?]) throws -> [Tensor?]?] = []
    /// The tensors whose values the backward formula reads, as they were when recorded.
    var saved: [SavedTensor] = []

    static let sequence = Atomic<Int>(0)

    /// The sequence number the next recorded node will get: noted before and after a forward, it brackets the
    /// nodes that forward created.
    public static var nextSequenceNr: Int { sequence.load(ordering: .relaxed) }

    init(name: String, nextEdges: [Edge?], outputCount: Int, backward: (([Tensor?]) throws -> [Tensor?])?) {
        self.name = name
        self.nextEdges = nextEdges
        self.outputCount = outputCount
        self.backwardFn = backward
        self.sequenceNr = AutogradNode.sequence.add(1, ordering: .relaxed).oldValue
    }

    /// The node that accumulates into `leaf.grad` (torch: `AccumulateGrad`), one per leaf tensor.
    static func accumulator(for leaf: Tensor) -> AutogradNode {
        if let existing = leaf.accumulateNode { return existing }
        let node = AutogradNode(name: "AccumulateGrad", nextEdges: [], outputCount: 1, backward: nil)
        node.leaf = leaf
        leaf.accumulateNode = node
        return node
    }

    /// Runs the node: pre-hooks, the backward formula (or accumulation into a leaf), post-hooks.
    /// Takes the gradients out of `outputGrads` (left empty), so a gradient nobody else holds can become a
    /// leaf's `.grad` without a copy.
    func apply(_ outputGrads: inout [Tensor?]) throws -> [Tensor?] {
        var grads = outputGrads + [Tensor?](repeating: nil, count: max(0, outputCount - outputGrads.count))
        outputGrads = []
        for hook in preHooks { if let replaced = try hook(grads) { grads = replaced } }
        if let leaf {
            if var g = grads.first ?? nil {
                grads = []
                if leaf.grad == nil, Self.canSteal(&g, for: leaf) {
                    // torch's AccumulateGrad steals a gradient no one else references instead of cloning it.
                    leaf.grad = g
                    return []
                }
                let incoming = try GradMode.noGrad { try g.sizes == leaf.sizes ? g : g.sumTo(leaf.sizes) }
                if let existing = leaf.grad {
                    // torch accumulates in place under no_grad (`variable.grad += new_grad`).
                    if try !TypedBackward.addInPlace(existing, incoming) {
                        leaf.grad = try GradMode.noGrad { try existing + incoming }
                    }
                } else {
                    leaf.grad = try GradMode.noGrad { try incoming.detach().contiguousCopy() }
                }
            }
            return []
        }
        guard let backwardFn else {
            throw TorchError.runtimeError("Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.")
        }
        for tensor in saved { try tensor.checkUnchanged() }
        // A node none of whose outputs received a gradient passes none on (its hooks still run).
        var inputGrads = grads.allSatisfy({ $0 == nil })
            ? [Tensor?](repeating: nil, count: nextEdges.count)
            : try GradMode.noGrad { try backwardFn(grads) }
        for hook in postHooks { if let replaced = try hook(inputGrads, grads) { inputGrads = replaced } }
        return inputGrads
    }

    /// Whether `g` can be stored as `leaf.grad` as it is: the only reference to a plain, dense tensor of the
    /// leaf's shape and dtype whose memory no other tensor (view, saved value, user's variable) shares.
    private static func canSteal(_ g: inout Tensor, for leaf: Tensor) -> Bool {
        guard isKnownUniquelyReferenced(&g), g.gradFn == nil, g.viewOrigin == nil, type(of: g) == Tensor.self,
              g.sizes == leaf.sizes, g.dtype == leaf.dtype, g.device == leaf.device, g.isContiguous, g.storageOffset == 0,
              var storage = g.storage, storage.byteCount == g.count * g.dtype.itemSize else { return false }
        g.storage = nil
        defer { g.storage = storage }
        return isKnownUniquelyReferenced(&storage)
    }

    /// Frees the saved tensors once used, unless the graph is retained.
    func release() {
        backwardFn = nil
        saved = []
    }

    /// torch: `grad_fn.register_prehook(hook)`.
    public func registerPreHook(_ hook: @escaping ([Tensor?]) throws -> [Tensor?]?) { preHooks.append(hook) }
    /// torch: `grad_fn.register_hook(hook)`.
    public func registerHook(_ hook: @escaping ([Tensor?], [Tensor?]) throws -> [Tensor?]?) { postHooks.append(hook) }
}

/// A tensor a backward formula reads (torch `SavedVariable`), with the version of its memory when it was
/// saved: an in-place change since then would make the gradient silently wrong, so backward refuses.
struct SavedTensor {
    let tensor: Tensor
    let version: Int
    /// torch: the saved tensor's `grad_fn` and output number, for the message.
    let producer: String?
    let outputNr: Int

    init(_ tensor: Tensor) {
        self.init(tensor, producer: tensor.gradFn?.name, outputNr: tensor.outputNr)
    }

    init(_ tensor: Tensor, producer: String?, outputNr: Int) {
        self.tensor = tensor
        version = tensor.version
        self.producer = producer
        self.outputNr = outputNr
    }

    func checkUnchanged() throws {
        guard tensor.version != version else { return }
        let origin = producer.map { ", which is output \(outputNr) of \($0)," } ?? ""
        throw TorchError.runtimeError("one of the variables needed for gradient computation has been modified by an inplace operation: [\(tensor.dtype.legacyTypeName) \(Tensor.pythonShape(tensor.sizes))]\(origin) is at version \(tensor.version); expected version \(version) instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).")
    }
}
