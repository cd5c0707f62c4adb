/// Trees and snapshots also arrive from outside (session files, agents). Views index arrays by the numbers
/// these carry and multiply their shapes, so whatever the source, they are checked once where they are read.
extension ModelTree {
    /// The largest element count one tensor may claim: far above any real tensor, far below overflow when
    /// counts are added up over a tree.
    public static let maxElements = 1 << 48

    public func validate() throws(ViewJSON.Failure) {
        guard !modules.isEmpty else { throw ViewJSON.Failure("the tree has no modules (row 0 is the root)") }
        guard modules[0].parent == nil else { throw ViewJSON.Failure("module 0 (the root) has a parent") }
        var ids = Set<Int>()
        for p in parameters {
            guard ids.insert(p.id).inserted else { throw ViewJSON.Failure("parameter id \(p.id) appears twice") }
            try Self.check(shape: p.shape, of: "parameter \(p.name)")
        }
        guard parameters.count <= 1 << 24, modules.count <= 1 << 24 else {
            throw ViewJSON.Failure("the tree has more than 2^24 modules or parameters")
        }
        for (i, module) in modules.enumerated() {
            if i > 0 {
                guard let p = module.parent, p >= 0, p < i else {
                    throw ViewJSON.Failure("module \(i) (\(module.name)) has parent \(module.parent.map(String.init) ?? "null"): a parent comes before its children")
                }
            }
            for ref in module.params where !ids.contains(ref.tensor) {
                throw ViewJSON.Failure("module \(module.name) names parameter id \(ref.tensor), which the tree does not have")
            }
            for buffer in module.buffers { try Self.check(shape: buffer.shape, of: "buffer \(module.name).\(buffer.name)") }
        }
    }

    static func check(shape: [Int]?, of what: String) throws(ViewJSON.Failure) {
        guard let shape else { return }
        guard shape.count <= 64 else { throw ViewJSON.Failure("\(what) has \(shape.count) dimensions") }
        var count = 1
        for size in shape {
            guard size >= 0 else { throw ViewJSON.Failure("\(what) has a negative size in its shape \(shape)") }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product <= maxElements else { throw ViewJSON.Failure("\(what) claims more than 2^48 elements (shape \(shape))") }
            count = product
        }
    }
}

extension ProfileSnapshot {
    public func validate() throws(ViewJSON.Failure) {
        guard modules.count <= 1 << 24 else { throw ViewJSON.Failure("the snapshot has more than 2^24 modules") }
        for module in modules {
            guard module.calls >= 0 else { throw ViewJSON.Failure("module \(module.name) has a negative call count") }
            for stats in module.outputs + module.inputs {
                try ModelTree.check(shape: stats.shape, of: "\(stats.path) of \(module.name)")
                guard (0...ModelTree.maxElements).contains(stats.numel) else {
                    throw ViewJSON.Failure("\(stats.path) of \(module.name) claims \(stats.numel) elements")
                }
            }
        }
    }
}
