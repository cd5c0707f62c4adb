import Checkpoints
import NNModules

/// `torch.nn` classes rebuilt as nntop's real modules from the attributes a whole-model pickle records in
/// their `__dict__` (`in_channels`, `kernel_size`, `eps`...), so a model made only of them runs. The
/// recorded parameters and buffers replace the freshly initialized ones afterwards.
enum TorchNNRebuild {
    /// The module for a recorded object, or nil when nntop has no such class.
    static func module(_ object: PickledObject) throws -> Module? {
        let a = Attributes(object: object)
        switch object.className {
        case "torch.nn.modules.linear.Linear":
            return Linear(try a.int("in_features"), try a.int("out_features"), bias: a.hasTensor("_parameters", "bias"))
        case "torch.nn.modules.linear.Identity": return Identity()
        case "torch.nn.modules.conv.Conv2d":
            let padding: ConvPadding
            switch object["padding"] {
            case .string("same")?: padding = .same
            case .string("valid")?: padding = .valid
            default: padding = .explicit(.tuple(try a.ints("padding")))
            }
            return try Conv2d(
                try a.int("in_channels"), try a.int("out_channels"), kernelSize: .tuple(try a.ints("kernel_size")),
                stride: .tuple(try a.ints("stride")), padding: padding, dilation: .tuple(try a.ints("dilation")),
                groups: try a.int("groups"), bias: a.hasTensor("_parameters", "bias"), paddingMode: try a.string("padding_mode"))
        case "torch.nn.modules.normalization.GroupNorm":
            return try GroupNorm(try a.int("num_groups"), try a.int("num_channels"), eps: try a.double("eps"), affine: try a.bool("affine"))
        case "torch.nn.modules.normalization.LayerNorm":
            return LayerNorm(
                try a.ints("normalized_shape"), eps: try a.double("eps"), elementwiseAffine: try a.bool("elementwise_affine"),
                bias: a.hasTensor("_parameters", "bias"))
        case "torch.nn.modules.sparse.Embedding":
            return try Embedding(try a.int("num_embeddings"), try a.int("embedding_dim"), paddingIdx: a.optionalInt("padding_idx"))
        case "torch.nn.modules.activation.ReLU": return ReLU(inplace: try a.bool("inplace"))
        case "torch.nn.modules.activation.SiLU": return SiLU(inplace: try a.bool("inplace"))
        case "torch.nn.modules.activation.GELU": return try GELU(approximate: try a.string("approximate"))
        case "torch.nn.modules.activation.Tanh": return Tanh()
        case "torch.nn.modules.activation.Sigmoid": return Sigmoid()
        case "torch.nn.modules.dropout.Dropout": return try Dropout(p: try a.double("p"), inplace: try a.bool("inplace"))
        case "torch.nn.modules.flatten.Flatten": return Flatten(startDim: try a.int("start_dim"), endDim: try a.int("end_dim"))
        case "torch.nn.modules.pooling.AdaptiveAvgPool2d": return AdaptiveAvgPool2d(.tuple(try a.ints("output_size")))
        case "torch.nn.modules.container.Sequential": return Sequential([])
        case "torch.nn.modules.container.ModuleList": return ModuleList()
        case "torch.nn.modules.container.ModuleDict": return try ModuleDict()
        default: return nil
        }
    }

    /// Typed reads of a recorded `__dict__`; a missing or mistyped attribute names the class and attribute.
    private struct Attributes {
        let object: PickledObject

        private func fail(_ name: String, _ kind: String) -> ExportedModelError {
            .invalid("\(object.className): attribute `\(name)` is missing or not \(kind)")
        }

        func int(_ name: String) throws -> Int {
            guard case .int(let value)? = object[name] else { throw fail(name, "an integer") }
            return value
        }

        func optionalInt(_ name: String) -> Int? {
            if case .int(let value)? = object[name] { return value }
            return nil
        }

        /// An int or a tuple of ints (`kernel_size=3` is recorded as `(3, 3)`, `output_size` may be either).
        func ints(_ name: String) throws -> [Int] {
            switch object[name] {
            case .int(let value)?: return [value, value]
            case .tuple(let items)?, .list(let items)?:
                return try items.map { item in
                    guard case .int(let value) = item else { throw fail(name, "a tuple of integers") }
                    return value
                }
            default: throw fail(name, "a tuple of integers")
            }
        }

        func double(_ name: String) throws -> Double {
            switch object[name] {
            case .float(let value)?: return value
            case .int(let value)?: return Double(value)
            default: throw fail(name, "a number")
            }
        }

        func bool(_ name: String) throws -> Bool {
            guard case .bool(let value)? = object[name] else { throw fail(name, "a boolean") }
            return value
        }

        func string(_ name: String) throws -> String {
            guard case .string(let value)? = object[name] else { throw fail(name, "a string") }
            return value
        }

        /// Whether `_parameters`/`_buffers` holds a tensor (not `None`) under `name`.
        func hasTensor(_ attribute: String, _ name: String) -> Bool {
            guard case .dict(let dict)? = object[attribute], case .tensor? = dict[name] else { return false }
            return true
        }
    }
}
