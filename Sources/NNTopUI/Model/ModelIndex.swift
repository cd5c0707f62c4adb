/// Structure derived once per model (children lists and subtree aggregates), so that rendering a frame
/// never walks the whole tree.
struct ModelIndex: Sendable {
    /// Children of each row, in `named_modules` order.
    let children: [[Int]]
    /// Parent of each row, validated: `nil` for the root and for rows whose parent index is unusable.
    let parent: [Int?]
    /// Parameter elements in each subtree, tied tensors counted once.
    let totalParams: [Int]
    let subtreeBufferBytes: [Int]
    /// Sum of own FLOPs over the subtree; `nil` when no module in it reported FLOPs.
    let subtreeFlops: [Int?]
    let subtreeDtypes: [[String]]
    let subtreeDevices: [[String]]
    /// Position in `ModelInfo.parameters` of each parameter id.
    let parameterPosition: [Int: Int]
    /// Whether the row registers a tensor that another row registers too.
    let hasTiedParams: [Bool]
    /// Rows without a usable parent, in order (normally just row 0).
    let roots: [Int]
    /// The first row where the sample forward failed.
    let firstErrorRow: Int?

    init(_ model: ModelInfo) {
        let rows = model.rows
        let count = rows.count
        var parent = [Int?](repeating: nil, count: count)
        var children = [[Int]](repeating: [], count: count)
        var roots: [Int] = []
        for (i, row) in rows.enumerated() {
            if let p = row.parent, p >= 0, p < i {
                parent[i] = p
                children[p].append(i)
            } else {
                roots.append(i)
            }
        }
        var position: [Int: Int] = [:]
        for (k, p) in model.parameters.enumerated() where position[p.id] == nil { position[p.id] = k }

        var buffers = rows.map(\.bufferBytes)
        var flops = rows.map(\.flops)
        var dtypes = rows.map { Set($0.dtypes) }
        var devices = rows.map { Set($0.devices) }
        for i in stride(from: count - 1, through: 0, by: -1) {
            guard let p = parent[i] else { continue }
            buffers[p] += buffers[i]
            if let f = flops[i] { flops[p] = (flops[p] ?? 0) + f }
            dtypes[p].formUnion(dtypes[i])
            devices[p].formUnion(devices[i])
        }
        var tied = [Bool](repeating: false, count: count)
        for p in model.parameters where p.isTied {
            for r in p.ownerRows where r >= 0 && r < count { tied[r] = true }
        }
        self.children = children
        self.parent = parent
        self.roots = roots
        self.parameterPosition = position
        self.subtreeBufferBytes = buffers
        self.subtreeFlops = flops
        self.subtreeDtypes = dtypes.map { $0.sorted() }
        self.subtreeDevices = devices.map { $0.sorted() }
        self.hasTiedParams = tied
        self.firstErrorRow = rows.firstIndex { $0.error != nil }
        self.totalParams = Self.subtreeNumel(of: model.parameters, parent: parent) { _ in true }
    }

    /// Sums `numel` of the parameters that pass `include` over every subtree, counting a tensor once per
    /// subtree even when several of its rows register it (tied weights).
    func subtreeNumel(of parameters: [ParameterInfo], include: (ParameterInfo) -> Bool) -> [Int] {
        Self.subtreeNumel(of: parameters, parent: parent, include: include)
    }

    private static func subtreeNumel(
        of parameters: [ParameterInfo], parent: [Int?], include: (ParameterInfo) -> Bool
    ) -> [Int] {
        var sums = [Int](repeating: 0, count: parent.count)
        var stamp = [Int](repeating: -1, count: parent.count)
        for (k, p) in parameters.enumerated() where include(p) {
            for owner in p.ownerRows where owner >= 0 && owner < parent.count {
                var current: Int? = owner
                while let r = current, stamp[r] != k {
                    stamp[r] = k
                    sums[r] += p.numel
                    current = parent[r]
                }
            }
        }
        return sums
    }

    /// `row` and all its descendants, in pre-order.
    func subtree(_ row: Int) -> [Int] {
        var result: [Int] = []
        var stack = [row]
        while let r = stack.popLast() {
            result.append(r)
            stack.append(contentsOf: children[r].reversed())
        }
        return result
    }

    /// Ancestors of `row`, nearest first.
    func ancestors(_ row: Int) -> [Int] {
        var result: [Int] = []
        var current = parent[row]
        while let r = current {
            result.append(r)
            current = parent[r]
        }
        return result
    }
}
