import OrderedCollections
import Synchronization

/// torch.utils.hooks.RemovableHandle. Removing twice is harmless; the handle holds its tables weakly so
/// a forgotten handle does not keep a model alive.
public final class RemovableHandle: @unchecked Sendable {
    public let id: Int
    private let removeAction: (Int) -> Void
    private var removed = false

    init(id: Int, remove: @escaping (Int) -> Void) {
        self.id = id
        self.removeAction = remove
    }

    public func remove() {
        if removed { return }
        removed = true
        removeAction(id)
    }

    /// torch: `with handle:` — runs `body` and removes the hook afterwards, even when `body` throws.
    public func whileRegistered<T>(_ body: () throws -> T) rethrows -> T {
        defer { remove() }
        return try body()
    }

    /// One id sequence across all hooks, as PyTorch's class-level `next_id`.
    static let nextID = Atomic<Int>(0)
    static func makeID() -> Int { nextID.add(1, ordering: .relaxed).oldValue }
}

/// torch: forward pre-hook `hook(module, args) -> None | new args`. A non-tuple result is wrapped in a
/// 1-tuple, as PyTorch does.
public typealias ForwardPreHook = (Module, [Value]) throws -> Value?
/// torch: `with_kwargs=True` pre-hook `hook(module, args, kwargs) -> None | (new_args, new_kwargs)`.
public typealias ForwardPreHookWithKwargs = (Module, [Value], Kwargs) throws -> Value?
/// torch: forward hook `hook(module, args, output) -> None | new output`.
public typealias ForwardHook = (Module, [Value], Value) throws -> Value?
/// torch: `with_kwargs=True` forward hook `hook(module, args, kwargs, output) -> None | new output`.
public typealias ForwardHookWithKwargs = (Module, [Value], Kwargs, Value) throws -> Value?
/// torch: backward hooks `hook(module, grad_input, grad_output) -> None | new grad_input`.
public typealias BackwardHook = (Module, [Tensor?], [Tensor?]) throws -> [Tensor?]?
/// torch: backward pre-hook `hook(module, grad_output) -> None | new grad_output`.
public typealias BackwardPreHook = (Module, [Tensor?]) throws -> [Tensor?]?
/// torch: `hook(module, prefix, keep_vars)`, run before the state dict is built.
public typealias StateDictPreHook = (Module, String, Bool) throws -> Void
/// torch: `hook(module, state_dict, prefix, local_metadata)`; it must mutate in place and return None,
/// which the Void result type enforces.
public typealias StateDictPostHook = (Module, inout StateDict, String, [String: Value]) throws -> Void
/// torch: `hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)`.
public typealias LoadStateDictPreHook = (Module, inout StateDict, String, [String: Value], Bool,
                                         inout [String], inout [String], inout [String]) throws -> Void
/// torch: `hook(module, incompatible_keys)`; may clear the key lists before strict checking.
public typealias LoadStateDictPostHook = (Module, inout IncompatibleKeys) throws -> Void

enum PreHookEntry {
    case plain(ForwardPreHook)
    case withKwargs(ForwardPreHookWithKwargs)
}

struct ForwardHookEntry {
    enum Kind {
        case plain(ForwardHook)
        case withKwargs(ForwardHookWithKwargs)
    }
    let kind: Kind
    let alwaysCall: Bool
}

/// Per-module hook dictionaries, ordered by handle id (`prepend` moves an entry to the front).
struct HookTables {
    var forwardPre: OrderedDictionary<Int, PreHookEntry> = [:]
    var forward: OrderedDictionary<Int, ForwardHookEntry> = [:]
    var backward: OrderedDictionary<Int, BackwardHook> = [:]
    var backwardPre: OrderedDictionary<Int, BackwardPreHook> = [:]
    /// torch `_is_full_backward_hook`: nil until a backward hook is registered.
    var isFullBackwardHook: Bool?
    var stateDictPre: OrderedDictionary<Int, StateDictPreHook> = [:]
    var stateDictPost: OrderedDictionary<Int, StateDictPostHook> = [:]
    var loadStateDictPre: OrderedDictionary<Int, LoadStateDictPreHook> = [:]
    var loadStateDictPost: OrderedDictionary<Int, LoadStateDictPostHook> = [:]

    /// No hook of any kind that acts during a call: the call can go straight to `forward`.
    var isEmptyForCall: Bool { forwardPre.isEmpty && forward.isEmpty && backward.isEmpty && backwardPre.isEmpty }
}

extension OrderedDictionary where Key == Int {
    mutating func insert(_ value: Value, id: Int, prepend: Bool) {
        if prepend {
            updateValue(value, forKey: id, insertingAt: 0)
        } else {
            self[id] = value
        }
    }
}

/// torch.nn.modules.module.register_module_forward_pre_hook / register_module_forward_hook: hooks that
/// run for every module call in the process, before the module's own hooks.
public enum GlobalModuleHooks {
    public typealias PreHook = @Sendable (Module, [Value]) throws -> Value?
    public typealias Hook = @Sendable (Module, [Value], Value) throws -> Value?

    struct Tables {
        var pre: OrderedDictionary<Int, PreHook> = [:]
        var post: OrderedDictionary<Int, (hook: Hook, alwaysCall: Bool)> = [:]
    }
    static let tables = Mutex(Tables())
    /// Read on every module call; kept separately so the common no-global-hook case costs one atomic load.
    static let count = Atomic<Int>(0)

    static func snapshot() -> Tables { tables.withLock { $0 } }

    /// torch: `register_module_forward_pre_hook(hook)`.
    public static func registerForwardPreHook(_ hook: @escaping PreHook) -> RemovableHandle {
        let id = RemovableHandle.makeID()
        tables.withLock { $0.pre[id] = hook }
        count.add(1, ordering: .relaxed)
        return RemovableHandle(id: id) { id in
            if tables.withLock({ $0.pre.removeValue(forKey: id) }) != nil { count.subtract(1, ordering: .relaxed) }
        }
    }

    /// torch: `register_module_forward_hook(hook, always_call=False)`.
    public static func registerForwardHook(alwaysCall: Bool = false, _ hook: @escaping Hook) -> RemovableHandle {
        let id = RemovableHandle.makeID()
        tables.withLock { $0.post[id] = (hook, alwaysCall) }
        count.add(1, ordering: .relaxed)
        return RemovableHandle(id: id) { id in
            if tables.withLock({ $0.post.removeValue(forKey: id) }) != nil { count.subtract(1, ordering: .relaxed) }
        }
    }
}

extension Module {
    /// Adds `hook` to one of the module's hook tables; the handle removes it again (nothing once the module
    /// is gone).
    private func register<Hook>(_ hook: Hook, in table: WritableKeyPath<HookTables, OrderedDictionary<Int, Hook>>,
                                prepend: Bool = false) -> RemovableHandle {
        let id = RemovableHandle.makeID()
        hooks[keyPath: table].insert(hook, id: id, prepend: prepend)
        return RemovableHandle(id: id) { [weak self] id in
            self?.hooks[keyPath: table].removeValue(forKey: id)
        }
    }

    /// torch: `register_forward_pre_hook(hook, prepend=False)`.
    @discardableResult
    public func registerForwardPreHook(prepend: Bool = false, _ hook: @escaping ForwardPreHook) -> RemovableHandle {
        register(.plain(hook), in: \.forwardPre, prepend: prepend)
    }

    /// torch: `register_forward_pre_hook(hook, prepend=False, with_kwargs=True)`.
    @discardableResult
    public func registerForwardPreHook(prepend: Bool = false, withKwargs hook: @escaping ForwardPreHookWithKwargs) -> RemovableHandle {
        register(.withKwargs(hook), in: \.forwardPre, prepend: prepend)
    }

    /// torch: `register_forward_hook(hook, prepend=False, always_call=False)`.
    @discardableResult
    public func registerForwardHook(prepend: Bool = false, alwaysCall: Bool = false,
                                    _ hook: @escaping ForwardHook) -> RemovableHandle {
        register(ForwardHookEntry(kind: .plain(hook), alwaysCall: alwaysCall), in: \.forward, prepend: prepend)
    }

    /// torch: `register_forward_hook(hook, prepend=False, with_kwargs=True, always_call=False)`.
    @discardableResult
    public func registerForwardHook(prepend: Bool = false, alwaysCall: Bool = false,
                                    withKwargs hook: @escaping ForwardHookWithKwargs) -> RemovableHandle {
        register(ForwardHookEntry(kind: .withKwargs(hook), alwaysCall: alwaysCall), in: \.forward, prepend: prepend)
    }

    /// torch: `len(module._forward_pre_hooks)`, `len(module._forward_hooks)`.
    public var forwardPreHookCount: Int { hooks.forwardPre.count }
    public var forwardHookCount: Int { hooks.forward.count }
    public var backwardHookCount: Int { hooks.backward.count }

    static let mixedBackwardHooksMessage = "Cannot use both regular backward hooks and full backward hooks on a single Module. Please use only one of them."

    /// torch: `register_full_backward_pre_hook(hook, prepend=False)`. Fires once autograd records graphs.
    @discardableResult
    public func registerFullBackwardPreHook(prepend: Bool = false, _ hook: @escaping BackwardPreHook) -> RemovableHandle {
        register(hook, in: \.backwardPre, prepend: prepend)
    }

    /// torch: `register_full_backward_hook(hook, prepend=False)`.
    @discardableResult
    public func registerFullBackwardHook(prepend: Bool = false, _ hook: @escaping BackwardHook) throws -> RemovableHandle {
        if hooks.isFullBackwardHook == false { throw TorchError.runtimeError(Module.mixedBackwardHooksMessage) }
        hooks.isFullBackwardHook = true
        return register(hook, in: \.backward, prepend: prepend)
    }

    /// torch: `register_backward_hook(hook)` — deprecated; PyTorch warns when it fires on a module whose
    /// forward has several autograd nodes.
    @discardableResult
    public func registerBackwardHook(_ hook: @escaping BackwardHook) throws -> RemovableHandle {
        if hooks.isFullBackwardHook == true { throw TorchError.runtimeError(Module.mixedBackwardHooksMessage) }
        hooks.isFullBackwardHook = false
        return register(hook, in: \.backward)
    }

    /// torch: `register_state_dict_pre_hook(hook)`.
    @discardableResult
    public func registerStateDictPreHook(_ hook: @escaping StateDictPreHook) -> RemovableHandle {
        register(hook, in: \.stateDictPre)
    }

    /// torch: `register_state_dict_post_hook(hook)`.
    @discardableResult
    public func registerStateDictPostHook(_ hook: @escaping StateDictPostHook) -> RemovableHandle {
        register(hook, in: \.stateDictPost)
    }

    /// torch: `register_load_state_dict_pre_hook(hook)`.
    @discardableResult
    public func registerLoadStateDictPreHook(_ hook: @escaping LoadStateDictPreHook) -> RemovableHandle {
        register(hook, in: \.loadStateDictPre)
    }

    /// torch: `register_load_state_dict_post_hook(hook)`.
    @discardableResult
    public func registerLoadStateDictPostHook(_ hook: @escaping LoadStateDictPostHook) -> RemovableHandle {
        register(hook, in: \.loadStateDictPost)
    }
}
