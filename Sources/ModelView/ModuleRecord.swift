/// One `named_modules()` row with the fields and counts of the goldens' `modules.jsonl` (what
/// `nntop summary --json` prints): derived from the tree, so every source prints it the same way.
public struct ModuleRecord: Encodable, Sendable, Equatable {
    /// A parameter or buffer as `[name, shape, dtype, flag]` (flag: requires_grad, or persistent).
    public struct TensorRow: Encodable, Sendable, Equatable {
        public let name: String
        public let shape: [Int]?
        public let dtype: String
        public let flag: Bool

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.unkeyedContainer()
            try c.encode(name)
            try c.encode(shape)
            try c.encode(dtype)
            try c.encode(flag)
        }
    }

    public let index: Int
    public let name: String
    public let className: String
    public let depth: Int
    public let ownParamTensors: Int
    public let ownParamNumel: Int
    public let recursiveParamNumel: Int
    public let recursiveTrainableNumel: Int
    public let ownBufferCount: Int
    public let ownBufferBytes: Int
    public let params: [TensorRow]
    public let buffers: [TensorRow]
    public let children: [String]
    /// Output shapes of the sample forward (`nntop summary --json` only); not a `modules.jsonl` field.
    public var outputShapes: [[Int]]?

    enum CodingKeys: String, CodingKey {
        case index, name, className = "class", depth, ownParamTensors = "own_param_tensors",
             ownParamNumel = "own_param_numel", recursiveParamNumel = "recursive_param_numel",
             recursiveTrainableNumel = "recursive_trainable_numel", ownBufferCount = "own_buffer_count",
             ownBufferBytes = "own_buffer_bytes", params, buffers, children, outputShapes = "output_shapes"
    }

    /// The records of every row of `tree`.
    public static func records(_ tree: ModelTree, index: ModelIndex) -> [ModuleRecord] {
        let trainable = index.subtreeNumel(of: tree.parameters) { $0.requiresGrad }
        return tree.modules.enumerated().map { row, module in
            let params = module.params.map { ref -> TensorRow in
                let spec = index.parameterPosition[ref.tensor].map { tree.parameters[$0] }
                return TensorRow(name: ref.name, shape: spec?.shape, dtype: spec?.dtype ?? "", flag: spec?.requiresGrad ?? false)
            }
            return ModuleRecord(
                index: row, name: module.name, className: module.className, depth: index.depth[row],
                ownParamTensors: module.params.count, ownParamNumel: index.ownParams[row],
                recursiveParamNumel: index.totalParams[row], recursiveTrainableNumel: trainable[row],
                ownBufferCount: module.buffers.count, ownBufferBytes: module.bufferBytes, params: params,
                buffers: module.buffers.map { TensorRow(name: $0.name, shape: $0.shape, dtype: $0.dtype, flag: $0.persistent) },
                children: index.children[row].map { tree.modules[$0].shortName }, outputShapes: nil)
        }
    }
}
