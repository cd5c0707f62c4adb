import Checkpoints
import NNModules

/// One node's arguments during a run, by schema name: tensors resolved from the graph's values, everything
/// else as serialized. Accessors take PyTorch's schema default for an argument the archive left out, and
/// throw an error naming the op and module for one that is missing or of the wrong kind.
struct OpArguments {
    enum Item {
        case tensor(Tensor)
        case tensors([Tensor])
        case optionalTensors([Tensor?])
        case constant(ExportedArgument)
    }

    let op: String
    let module: String
    let names: [String]
    let items: [Item]

    func invalid(_ problem: String) -> ExportedModelError {
        .invalid("\(op) (in \(ExportedModelError.location(module))): \(problem)")
    }

    func unsupported(_ detail: String) -> ExportedModelError {
        .unsupportedOp(op: op, module: module, detail: detail)
    }

    private func item(_ name: String) -> Item? {
        guard let index = names.firstIndex(of: name) else { return nil }
        if case .constant(.none) = items[index] { return nil }
        return items[index]
    }

    func has(_ name: String) -> Bool { item(name) != nil }

    func tensor(_ name: String) throws -> Tensor {
        guard case .tensor(let tensor) = item(name) else { throw invalid("argument `\(name)` is not a tensor") }
        return tensor
    }

    func optionalTensor(_ name: String) throws -> Tensor? {
        guard let item = item(name) else { return nil }
        guard case .tensor(let tensor) = item else { throw invalid("argument `\(name)` is not a tensor") }
        return tensor
    }

    func tensors(_ name: String) throws -> [Tensor?] {
        switch item(name) {
        case .tensors(let tensors): return tensors
        case .optionalTensors(let tensors): return tensors
        default: throw invalid("argument `\(name)` is not a list of tensors")
        }
    }

    func int(_ name: String, default value: Int? = nil) throws -> Int {
        try integer(item(name), "argument `\(name)`", default: value)
    }

    /// The integer at `position`, for Python operators (`_operator.mul`) whose arguments have no names.
    func int(at position: Int) throws -> Int {
        try integer(items.indices.contains(position) ? items[position] : nil, "argument \(position)", default: nil)
    }

    /// An integer constant or symbolic integer (a 0-d integer tensor).
    private func integer(_ item: Item?, _ what: String, default value: Int?) throws -> Int {
        switch item {
        case .constant(.int(let int)): return int
        case .constant(.symInt(.int(let int))): return int
        case .tensor(let symbol) where symbol.rank == 0 && !symbol.dtype.isFloatingPoint: return Int(try symbol.item())
        case nil, .constant(.none):
            guard let value else { throw invalid("\(what) is missing") }
            return value
        default: throw invalid("\(what) is not an integer")
        }
    }

    func optionalInt(_ name: String) throws -> Int? {
        has(name) ? try int(name) : nil
    }

    func ints(_ name: String, default value: [Int]? = nil) throws -> [Int] {
        switch item(name) {
        case .constant(.ints(let ints)): return ints
        case .constant(.int(let int)): return [int]
        case .constant(.symInts(let symbols)):
            return try symbols.map { symbol in
                guard case .int(let int) = symbol else { throw unsupported("symbolic size \(symbol) in `\(name)`") }
                return int
            }
        case nil:
            guard let value else { throw invalid("argument `\(name)` is missing") }
            return value
        default: throw invalid("argument `\(name)` is not a list of integers")
        }
    }

    func double(_ name: String, default value: Double? = nil) throws -> Double {
        switch item(name) {
        case .constant(.float(let double)): return double
        case .constant(.int(let int)): return Double(int)
        case .constant(.bool(let bool)): return bool ? 1 : 0
        case nil:
            guard let value else { throw invalid("argument `\(name)` is missing") }
            return value
        default: throw invalid("argument `\(name)` is not a number")
        }
    }

    func optionalDouble(_ name: String) throws -> Double? {
        has(name) ? try double(name) : nil
    }

    func bool(_ name: String, default value: Bool) throws -> Bool {
        switch item(name) {
        case .constant(.bool(let bool)): return bool
        case nil: return value
        default: throw invalid("argument `\(name)` is not a boolean")
        }
    }

    func string(_ name: String, default value: String) throws -> String {
        switch item(name) {
        case .constant(.string(let string)): return string
        case nil: return value
        default: throw invalid("argument `\(name)` is not a string")
        }
    }

    /// A `Scalar` argument (`other` of `add.Tensor` may be a float or int) or a tensor.
    enum Operand {
        case tensor(Tensor)
        case int(Int)
        case double(Double)
    }

    func operand(_ name: String) throws -> Operand {
        switch item(name) {
        case .tensor(let tensor): return .tensor(tensor)
        case .constant(.int(let int)): return .int(int)
        case .constant(.float(let double)): return .double(double)
        case .constant(.bool(let bool)): return .int(bool ? 1 : 0)
        default: throw invalid("argument `\(name)` is neither a tensor nor a number")
        }
    }

    /// A `ScalarType` argument as nntop's dtype, or nil when absent.
    func dtype(_ name: String) throws -> DType? {
        switch item(name) {
        case .constant(.scalarType(let code)):
            guard let storage = StorageDType(exportScalarType: code) else { throw unsupported("scalar type \(code)") }
            return DType(loading: storage)
        case nil: return nil
        default: throw invalid("argument `\(name)` is not a dtype")
        }
    }
}
