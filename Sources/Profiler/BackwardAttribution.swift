import NNModules

/// Charges the run time of autograd nodes to the modules whose forward created them, the way PyTorch's
/// profiler links backward events to forward ops through sequence numbers. During a forward every module
/// boundary (pre-hook, forward hook) notes `AutogradNode.nextSequenceNr`; a node whose sequence number falls
/// after a boundary and before the next one was created by the module innermost at that moment. An
/// `AccumulateGrad` node outlives the forward that created it, so it is charged to the module owning its
/// parameter. Nodes outside the root module (the loss) count only in the pass total.
struct BackwardAttribution {
    /// Boundaries of the last forward in order: from `sequenceNr` on, nodes belong to `row` (-1: no module).
    private var boundaries: [(sequenceNr: Int, row: Int)] = []
    /// Parent row in the module tree (-1 for the root), from the dotted names.
    private let parent: [Int]
    private let parameterRow: [ObjectIdentifier: Int]
    private var selfThisPass: [UInt64]
    private var nodesThisPass: [Int]
    private(set) var timings: [SplitTimings]
    /// Whether the last pass ran any node of the row's subtree: a module frozen since shows nothing.
    private(set) var reachedLastPass: [Bool]
    private(set) var passes = 0
    private(set) var lastPassNs: UInt64 = 0
    private var nodeStart: UInt64 = 0
    /// Time and count per node class (`ConvolutionBackward0`, ...) since the last reset: where the backward
    /// goes regardless of module.
    private(set) var byNodeName: [String: (ns: UInt64, count: Int)] = [:]

    init(names: [String], modules: [Module], windowSize: Int) {
        var rowOfName: [String: Int] = [:]
        for (row, name) in names.enumerated() where rowOfName[name] == nil { rowOfName[name] = row }
        parent = names.map { name in
            guard !name.isEmpty else { return -1 }
            var prefix = Substring(name)
            while let dot = prefix.lastIndex(of: ".") {
                prefix = prefix[..<dot]
                if let row = rowOfName[String(prefix)] { return row }
            }
            return rowOfName[""] ?? -1
        }
        var owners: [ObjectIdentifier: Int] = [:]
        for (row, module) in modules.enumerated() {
            for p in module.parameters(recurse: false) where owners[ObjectIdentifier(p)] == nil { owners[ObjectIdentifier(p)] = row }
        }
        parameterRow = owners
        selfThisPass = names.map { _ in 0 }
        nodesThisPass = names.map { _ in 0 }
        timings = names.map { _ in SplitTimings(windowSize: windowSize) }
        reachedLastPass = names.map { _ in false }
    }

    mutating func beginForward() { boundaries.removeAll(keepingCapacity: true) }

    /// A module's forward begins (`row`) or returns to its caller (`row` = the caller, -1 outside all).
    mutating func boundary(_ row: Int) { boundaries.append((AutogradNode.nextSequenceNr, row)) }

    func owner(of node: AutogradNode) -> Int {
        if let leaf = node.variable { return parameterRow[ObjectIdentifier(leaf)] ?? -1 }
        guard let first = boundaries.first, node.sequenceNr >= first.sequenceNr else { return -1 }
        var lo = 0, hi = boundaries.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if boundaries[mid].sequenceNr <= node.sequenceNr { lo = mid } else { hi = mid - 1 }
        }
        return boundaries[lo].row
    }

    mutating func nodeStarted(at ns: UInt64) { nodeStart = ns }

    mutating func nodeFinished(_ node: AutogradNode, at ns: UInt64) {
        let elapsed = ns &- nodeStart
        byNodeName[node.name, default: (0, 0)].ns &+= elapsed
        byNodeName[node.name, default: (0, 0)].count += 1
        let row = owner(of: node)
        guard row >= 0 else { return }
        selfThisPass[row] &+= elapsed
        nodesThisPass[row] += 1
    }

    /// Closes one backward pass: inclusive = own nodes + children's inclusive; modules none of whose
    /// subtree ran a node (frozen inputs and weights) record no call at all.
    mutating func finishPass(totalNs: UInt64) {
        var inclusive = selfThisPass
        var nodes = nodesThisPass
        for row in inclusive.indices.reversed() where parent[row] >= 0 {
            inclusive[parent[row]] &+= inclusive[row]
            nodes[parent[row]] += nodes[row]
        }
        for row in inclusive.indices {
            reachedLastPass[row] = nodes[row] > 0
            if nodes[row] > 0 { timings[row].record(selfTime: selfThisPass[row], inclusive: inclusive[row]) }
        }
        passes += 1
        lastPassNs = totalNs
        for row in selfThisPass.indices {
            selfThisPass[row] = 0
            nodesThisPass[row] = 0
        }
    }

    mutating func reset(windowSize: Int) {
        timings = timings.map { _ in SplitTimings(windowSize: windowSize) }
        reachedLastPass = reachedLastPass.map { _ in false }
        byNodeName.removeAll()
        passes = 0
        lastPassNs = 0
    }
}
