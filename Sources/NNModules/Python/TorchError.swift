/// The exception a PyTorch user would see, by Python class. `description` is the raw message (Python's
/// `args[0]`); `KeyError`'s extra quoting in `str(e)` is a Python artefact and is not reproduced.
public enum TorchError: Error, Equatable, CustomStringConvertible, Sendable {
    case keyError(String)
    case typeError(String)
    case valueError(String)
    case runtimeError(String)
    case attributeError(String)
    case indexError(String)
    case notImplementedError(String)
    case assertionError(String)

    /// The Python exception class name (`RuntimeError`, `KeyError`...).
    public var pythonType: String {
        switch self {
        case .keyError: return "KeyError"
        case .typeError: return "TypeError"
        case .valueError: return "ValueError"
        case .runtimeError: return "RuntimeError"
        case .attributeError: return "AttributeError"
        case .indexError: return "IndexError"
        case .notImplementedError: return "NotImplementedError"
        case .assertionError: return "AssertionError"
        }
    }

    public var message: String {
        switch self {
        case .keyError(let m), .typeError(let m), .valueError(let m), .runtimeError(let m),
             .attributeError(let m), .indexError(let m), .notImplementedError(let m), .assertionError(let m):
            return m
        }
    }

    public var description: String { message }
}
