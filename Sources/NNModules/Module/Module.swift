import OrderedCollections

/// torch.nn.Module. Parameters, buffers and children live in ordered dictionaries exactly like PyTorch's
/// `_parameters`, `_buffers` and `_modules` (a `nil` slot is kept), so registration order is the order of
/// `named_modules`, `state_dict` and `repr`. Identity matters: a module may appear twice in a tree, hooks
/// belong to the object, and `load_state_dict` works in place.
open class Module: CustomStringConvertible {
    /// torch: `training`.
    public var training = true
    public internal(set) var _parameters: OrderedDictionary<String, Parameter?> = [:]
    public internal(set) var _buffers: OrderedDictionary<String, Tensor?> = [:]
    public internal(set) var _nonPersistentBuffersSet: Set<String> = []
    public internal(set) var _modules: OrderedDictionary<String, Module?> = [:]
    /// Attributes that are neither parameters, buffers nor modules (`self.k = k` in Python).
    public internal(set) var plainAttributes: OrderedDictionary<String, Value> = [:]

    var hooks = HookTables()
    /// The class name PyTorch reports when it is not the Swift class's: a lazy module once materialized
    /// (PyTorch swaps `__class__`, LazyLinear → Linear), or one Swift class standing for several classes of
    /// identical code (transformers' `Qwen2Attention` and `MistralAttention` are `LlamaAttention` renamed).
    public var classNameOverride: String?
    /// The class a lazy module becomes once materialized (torch `cls_to_become`).
    var lazyClassName: String?

    public init() {}

    /// torch: `_version`, recorded per module in `state_dict()._metadata`.
    open class var version: Int { 1 }

    /// torch: `_get_name()` — the class name printed by `repr`.
    public var typeName: String { classNameOverride ?? String(describing: Swift.type(of: self)) }

    /// Typed configuration a layer exposes as Python attributes (`in_features`...), so `hasattr`-style
    /// checks and `getAttribute` see them.
    open var extraAttributes: OrderedDictionary<String, Value> { [:] }

    // MARK: - Overridable behaviour (torch: forward, extra_repr, get/set_extra_state, _load_from_state_dict)

    /// torch: `forward(*args, **kwargs)`. Modules with one tensor in and out override
    /// `forward(_ input: Tensor)`; others (attention masks, model outputs) override this.
    open func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        guard kwargs.isEmpty, args.count == 1, case .tensor(let input) = args[0] else {
            throw TorchError.typeError("\(typeName).forward() takes one tensor argument but got \(args.count) positional and \(kwargs.count) keyword argument(s)")
        }
        return .tensor(try forward(input))
    }

    open func forward(_ input: Tensor) throws -> Tensor {
        throw TorchError.notImplementedError("Module [\(typeName)] is missing the required \"forward\" function")
    }

    /// torch: `extra_repr()`.
    open func extraRepr() -> String { "" }

    /// torch: `__repr__`.
    open func repr() -> String { defaultRepr() }

    /// torch: `get_extra_state()`. `nil` means the module has no extra state (PyTorch checks whether the
    /// method is overridden); a module that has some returns it and is saved under `_extra_state`.
    open func getExtraState() -> Value? { nil }

    /// torch: `set_extra_state(state)`.
    open func setExtraState(_ state: Value) throws {
        throw TorchError.runtimeError("Reached a code path in Module.set_extra_state() that should never be called. Please file an issue at https://github.com/pytorch/pytorch/issues/new?template=bug-report.yml to report this bug.")
    }

    /// Whether `setExtraState` is implemented (PyTorch: overridden), which makes `_extra_state` expected.
    open var acceptsExtraState: Bool { false }

    /// torch: `_load_from_state_dict`. Overridden by BatchNorm for its version-1 compatibility rule.
    open func loadFromStateDict(_ stateDict: inout StateDict, prefix: String, localMetadata: [String: Value],
                                strict: Bool, missingKeys: inout [String], unexpectedKeys: inout [String],
                                errorMsgs: inout [String]) throws {
        try defaultLoadFromStateDict(&stateDict, prefix: prefix, localMetadata: localMetadata, strict: strict,
                                     missingKeys: &missingKeys, unexpectedKeys: &unexpectedKeys, errorMsgs: &errorMsgs)
    }

    // MARK: - Registration (torch: register_parameter, register_buffer, add_module, register_module)

    /// torch: `register_parameter(name, param)`. Accepts any tensor so a plain Tensor gets PyTorch's error.
    public func registerParameter(_ name: String, _ param: Tensor?) throws {
        if name.contains(".") { throw TorchError.keyError("parameter name can't contain \".\"") }
        if name.isEmpty { throw TorchError.keyError("parameter name can't be empty string \"\"") }
        if hasAttribute(name) && _parameters.index(forKey: name) == nil {
            throw TorchError.keyError("attribute '\(name)' already exists")
        }
        guard let param else {
            _parameters[name] = .some(nil)
            return
        }
        guard let parameter = param as? Parameter else {
            throw TorchError.typeError("cannot assign '\(Value.tensor(param).typeName)' object to parameter '\(name)' (torch.nn.Parameter or None required)")
        }
        _parameters[name] = .some(parameter)
    }

    /// torch: `register_buffer(name, tensor, persistent=True)`.
    public func registerBuffer(_ name: String, _ tensor: Tensor?, persistent: Bool = true) throws {
        if name.contains(".") { throw TorchError.keyError("buffer name can't contain \".\"") }
        if name.isEmpty { throw TorchError.keyError("buffer name can't be empty string \"\"") }
        if hasAttribute(name) && _buffers.index(forKey: name) == nil {
            throw TorchError.keyError("attribute '\(name)' already exists")
        }
        _buffers[name] = .some(tensor)
        if persistent { _nonPersistentBuffersSet.remove(name) } else { _nonPersistentBuffersSet.insert(name) }
    }

    /// torch: `add_module(name, module)`.
    public func addModule(_ name: String, _ module: Module?) throws {
        if hasAttribute(name) && _modules.index(forKey: name) == nil {
            throw TorchError.keyError("attribute '\(name)' already exists")
        }
        if name.contains(".") { throw TorchError.keyError("module name can't contain \".\", got: \(name)") }
        if name.isEmpty { throw TorchError.keyError("module name can't be empty string \"\"") }
        _modules[name] = .some(module)
    }

    /// torch: `register_module` (alias of `add_module`).
    public func registerModule(_ name: String, _ module: Module?) throws {
        try addModule(name, module)
    }

    // MARK: - Typed access for forward code

    /// The parameter in slot `name` (nil for a missing or `None` slot).
    public func parameter(_ name: String) -> Parameter? { _parameters[name] ?? nil }
    public func buffer(_ name: String) -> Tensor? { _buffers[name] ?? nil }
    public func child(_ name: String) -> Module? { _modules[name] ?? nil }

    /// A required child of a known class, for `forward` code; a missing or replaced child is a clear error.
    public func child<M: Module>(_ name: String, as type: M.Type) throws -> M {
        guard let m = _modules[name] ?? nil else {
            throw TorchError.attributeError("'\(typeName)' object has no attribute '\(name)'")
        }
        guard let typed = m as? M else {
            throw TorchError.typeError("\(typeName).\(name) is a \(m.typeName), expected \(String(describing: type))")
        }
        return typed
    }

    public var description: String { repr() }
}

/// torch's `_IncompatibleKeys`, returned by `load_state_dict`.
public struct IncompatibleKeys: Equatable, CustomStringConvertible, Sendable {
    public var missingKeys: [String]
    public var unexpectedKeys: [String]

    /// The Python class name (`type(result).__name__`).
    public var typeName: String { "_IncompatibleKeys" }

    public var description: String {
        if missingKeys.isEmpty && unexpectedKeys.isEmpty { return "<All keys matched successfully>" }
        let m = "[" + missingKeys.map(pythonStringRepr).joined(separator: ", ") + "]"
        let u = "[" + unexpectedKeys.map(pythonStringRepr).joined(separator: ", ") + "]"
        return "\(typeName)(missing_keys=\(m), unexpected_keys=\(u))"
    }
}
