/// A serialized `torch.export.ExportedProgram` (`models/<name>.json` of a `.pt2` archive), as plain values.
/// Field meanings follow `torch/_export/serde/schema.py`; nothing here runs or resolves anything.
public struct ExportedProgram: Sendable {
    /// The graph's nodes in execution order (placeholders and outputs are the graph's `inputs`/`outputs`).
    public let nodes: [ExportedNode]
    /// The graph's placeholders, in order: parameters, buffers, constants, then user inputs.
    public let inputs: [ExportedArgument]
    /// What the graph returns, in order (the signature's `output_specs` say what each is).
    public let outputs: [ExportedArgument]
    public let inputSpecs: [ExportedInputSpec]
    public let outputSpecs: [ExportedOutputSpec]
    /// `module_call_graph`'s fully qualified module names in `named_modules()` order (`""` is the root),
    /// including containers and modules that emit no op.
    public let moduleNames: [String]
    /// The root forward's argument names (`x`, `input_ids`).
    public let forwardArgumentNames: [String]
    /// The names PyTorch's eager outputs go by, from the root's `out_spec`: `output` for one tensor, `0`,
    /// `1` for a tuple, field names (`logits`) for a dict or model-output class.
    public let outputNames: [String]
    /// Each graph value's recorded dtype and shape (`tensor_values`).
    public let tensorValues: [String: ExportedTensorMeta]
}

/// One `call_function` node.
public struct ExportedNode: Sendable {
    /// The op's qualified name as serialized (`torch.ops.aten.conv2d.default`, `_operator.getitem`).
    public let target: String
    /// The arguments by schema name, in schema order.
    public let inputs: [ExportedNamedArgument]
    public let outputs: [ExportedArgument]
    /// `metadata.nn_module_stack`, outermost first (empty for a node at the top level).
    public let moduleStack: [ExportedModuleFrame]

    public init(target: String, inputs: [ExportedNamedArgument], outputs: [ExportedArgument], moduleStack: [ExportedModuleFrame]) {
        self.target = target
        self.inputs = inputs
        self.outputs = outputs
        self.moduleStack = moduleStack
    }

    /// `aten.conv2d.default` for `torch.ops.aten.conv2d.default`.
    public var opName: String { target.hasPrefix("torch.ops.") ? String(target.dropFirst("torch.ops.".count)) : target }
}

public struct ExportedNamedArgument: Sendable {
    public let name: String
    public let argument: ExportedArgument
    /// 1 positional, 2 keyword-only (`ArgumentKind`).
    public let kind: Int
}

/// One `nn_module_stack` entry: `L__self__blocks.0,blocks.0,__main__.Block`.
public struct ExportedModuleFrame: Sendable, Hashable {
    /// Distinguishes separate calls of the same module.
    public let key: String
    /// The module's qualified name (`blocks.0`; `""` for the root).
    public let path: String
    /// The class's qualified name (`torch.nn.modules.conv.Conv2d`).
    public let className: String
}

/// `Argument`: the union of everything a node input or output can be.
public indirect enum ExportedArgument: Sendable, Hashable {
    case none
    case tensor(String)
    case tensors([String])
    case optionalTensors([String?])
    case int(Int)
    case ints([Int])
    case float(Double)
    case floats([Double])
    case bool(Bool)
    case bools([Bool])
    case string(String)
    case strings([String])
    case symInt(ExportedSymInt)
    case symInts([ExportedSymInt])
    /// `ScalarType` code (7 float32, 5 int64, 12 bool...).
    case scalarType(Int)
    case memoryFormat(Int)
    case layout(Int)
    /// `cpu`, `cuda:0`.
    case device(String)
    /// A kind this reader keeps by name only (`as_graph`, `as_custom_obj`...).
    case other(String)
}

/// A symbolic or concrete integer (`SymIntArgument`/`SymInt`).
public enum ExportedSymInt: Sendable, Hashable {
    case int(Int)
    /// A value of the graph (`as_name`) or a symbolic expression (`as_expr`).
    case name(String)
}

public struct ExportedTensorMeta: Sendable, Hashable {
    public let scalarType: Int
    public let sizes: [ExportedSymInt]
    public let requiresGrad: Bool
}

public struct ExportedInputSpec: Sendable {
    public enum Kind: Sendable, Hashable {
        case parameter
        case buffer(persistent: Bool)
        case tensorConstant
        case userInput
        /// Kinds nntop does not use (`custom_obj`, `token`, `constant_input`), by their schema name.
        case other(String)
    }

    public let kind: Kind
    /// The placeholder's name in the graph (`p_stem_weight`, `x`).
    public let argument: ExportedArgument
    /// The parameter, buffer or constant's qualified name (`stem.weight`).
    public let target: String?
}

public struct ExportedOutputSpec: Sendable {
    public let kind: String
    public let argument: ExportedArgument
    public let target: String?
}
