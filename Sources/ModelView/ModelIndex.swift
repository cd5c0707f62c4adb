/// Structure derived once per tree (children, depths, owners, subtree aggregates), so that rendering a frame
/// never walks the whole tree and every view reads the same counts.
public struct ModelIndex: Sendable {
    /// Children of each row, in `named_modules` order.
    public let children: [[Int]]
    /// Parent of each row, validated: `nil` for the root and for rows whose parent index is unusable.
    public let parent: [Int?]
    /// 0 for the root, 1 for its children, ...
    public let depth: [Int]
    /// Rows without a usable parent, in order (normally just row 0).
    public let roots: [Int]
    /// Elements of each row's own parameters (`recurse=False`).
    public let ownParams: [Int]
    /// Parameter elements in each subtree, tied tensors counted once.
    public let totalParams: [Int]
    public let subtreeBufferBytes: [Int]
    /// Dtypes and devices of each row's own parameters and buffers, each once, in registration order.
    public let dtypes: [[String]]
    public let devices: [[String]]
    public let subtreeDtypes: [[String]]
    public let subtreeDevices: [[String]]
    /// Position in `ModelTree.parameters` of each parameter id.
    public let parameterPosition: [Int: Int]
    /// Rows that register each parameter (by position in `ModelTree.parameters`); more than one when tied.
    public let ownerRows: [[Int]]
    /// Whether the row registers a tensor that another row registers too.
    public let hasTiedParams: [Bool]
    /// Row of each module name.
    public let rowByName: [String: Int]
    /// Each row's qualified name (compared before `rowByName` is hashed, since snapshots come in row order).
    public let names: [String]

    public init(_ tree: ModelTree) {
        let modules = tree.modules
        let count = modules.count
        var parent = [Int?](repeating: nil, count: count)
        var children = [[Int]](repeating: [], count: count)
        var depth = [Int](repeating: 0, count: count)
        var roots: [Int] = []
        var rowByName: [String: Int] = [:]
        for (i, module) in modules.enumerated() {
            if rowByName[module.name] == nil { rowByName[module.name] = i }
            if let p = module.parent, p >= 0, p < i {
                parent[i] = p
                children[p].append(i)
                depth[i] = depth[p] + 1
            } else {
                roots.append(i)
            }
        }
        var position: [Int: Int] = [:]
        for (k, p) in tree.parameters.enumerated() where position[p.id] == nil { position[p.id] = k }
        var owners = [[Int]](repeating: [], count: tree.parameters.count)
        var ownParams = [Int](repeating: 0, count: count)
        var dtypes = [[String]](repeating: [], count: count)
        var devices = [[String]](repeating: [], count: count)
        for (row, module) in modules.enumerated() {
            var rowDtypes: [String] = [], rowDevices: [String] = []
            for ref in module.params {
                guard let k = position[ref.tensor] else { continue }
                let p = tree.parameters[k]
                if !owners[k].contains(row) { owners[k].append(row) }
                ownParams[row] += p.numel
                rowDtypes.append(p.dtype)
                rowDevices.append(p.device)
            }
            rowDtypes += module.buffers.map(\.dtype)
            rowDevices += module.buffers.map(\.device)
            dtypes[row] = Self.unique(rowDtypes)
            devices[row] = Self.unique(rowDevices)
        }
        var buffers = modules.map(\.bufferBytes)
        var subtreeDtypes = dtypes.map { Set($0) }
        var subtreeDevices = devices.map { Set($0) }
        for i in stride(from: count - 1, through: 0, by: -1) {
            guard let p = parent[i] else { continue }
            buffers[p] += buffers[i]
            subtreeDtypes[p].formUnion(subtreeDtypes[i])
            subtreeDevices[p].formUnion(subtreeDevices[i])
        }
        var tied = [Bool](repeating: false, count: count)
        for rows in owners where rows.count > 1 {
            for r in rows { tied[r] = true }
        }
        self.children = children
        self.parent = parent
        self.depth = depth
        self.roots = roots
        self.rowByName = rowByName
        names = modules.map(\.name)
        self.parameterPosition = position
        self.ownerRows = owners
        self.ownParams = ownParams
        self.dtypes = dtypes
        self.devices = devices
        self.subtreeBufferBytes = buffers
        self.subtreeDtypes = subtreeDtypes.map { $0.sorted() }
        self.subtreeDevices = subtreeDevices.map { $0.sorted() }
        self.hasTiedParams = tied
        self.totalParams = Self.subtreeNumel(of: tree.parameters, owners: owners, parent: parent) { _ in true }
    }

    /// Sums `numel` of the parameters that pass `include` over every subtree, counting a tensor once per
    /// subtree even when several of its rows register it (tied weights).
    public func subtreeNumel(of parameters: [ParameterSpec], include: (ParameterSpec) -> Bool) -> [Int] {
        Self.subtreeNumel(of: parameters, owners: ownerRows, parent: parent, include: include)
    }

    private static func subtreeNumel(
        of parameters: [ParameterSpec], owners: [[Int]], parent: [Int?], include: (ParameterSpec) -> Bool
    ) -> [Int] {
        var sums = [Int](repeating: 0, count: parent.count)
        var stamp = [Int](repeating: -1, count: parent.count)
        for (k, p) in parameters.enumerated() where include(p) {
            for owner in owners[k] {
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
    public func subtree(_ row: Int) -> [Int] {
        var result: [Int] = []
        var stack = [row]
        while let r = stack.popLast() {
            result.append(r)
            stack.append(contentsOf: children[r].reversed())
        }
        return result
    }

    /// Ancestors of `row`, nearest first.
    public func ancestors(_ row: Int) -> [Int] {
        var result: [Int] = []
        var current = parent[row]
        while let r = current {
            result.append(r)
            current = parent[r]
        }
        return result
    }

    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}
