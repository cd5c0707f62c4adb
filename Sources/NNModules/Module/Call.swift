import OrderedCollections

/// `Module.__call__` (torch `_call_impl`): global then local forward pre-hooks, `forward`, global then
/// local forward hooks; `always_call` hooks still run when forward throws. With no hooks at all the call
/// goes straight to `forward`.
extension Module {
    /// torch: `module(*args, **kwargs)`.
    @discardableResult
    public func call(_ args: [Value], kwargs: Kwargs = [:]) throws -> Value {
        if hooks.isEmptyForCall && GlobalModuleHooks.count.load(ordering: .relaxed) == 0 {
            return try forward(args, kwargs: kwargs)
        }
        return try callWithHooks(args, kwargs: kwargs) { args, kwargs in try forward(args, kwargs: kwargs) }
    }

    /// Runs this module's forward pre-hooks and forward hooks (global ones included) around `body` as if
    /// `body` were its `forward` on `args`: for code that does a module's work without calling its `forward`,
    /// such as an exported graph's interpreter, so hook users (the profiler) see the module called.
    /// - Returns: `body`'s result, as replaced by forward hooks.
    public func callHooks(_ args: [Value], around body: ([Value]) throws -> Value) throws -> Value {
        if hooks.isEmptyForCall && GlobalModuleHooks.count.load(ordering: .relaxed) == 0 { return try body(args) }
        return try callWithHooks(args, kwargs: [:]) { args, _ in try body(args) }
    }

    public func callAsFunction(_ args: Value..., kwargs: Kwargs = [:]) throws -> Value {
        try call(args, kwargs: kwargs)
    }

    /// The common case: one tensor in, one tensor out.
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        let output = try call([.tensor(input)])
        guard let tensor = output.tensor else {
            throw TorchError.typeError("\(typeName) returned \(output.typeName), expected a Tensor")
        }
        return tensor
    }

    private func callWithHooks(_ inputArgs: [Value], kwargs inputKwargs: Kwargs,
                               body: ([Value], Kwargs) throws -> Value) throws -> Value {
        var args = inputArgs
        var kwargs = inputKwargs
        let global = GlobalModuleHooks.count.load(ordering: .relaxed) == 0 ? GlobalModuleHooks.Tables() : GlobalModuleHooks.snapshot()

        for hook in global.pre.values {
            if let result = try hook(self, args) { args = Module.wrapPreHookResult(result) }
        }
        // Iterate a copy so a hook may remove itself (lazy modules do).
        for entry in hooks.forwardPre.values {
            switch entry {
            case .plain(let hook):
                if let result = try hook(self, args) { args = Module.wrapPreHookResult(result) }
            case .withKwargs(let hook):
                guard let result = try hook(self, args, kwargs) else { continue }
                guard case .tuple(let pair) = result, pair.count == 2,
                      case .tuple(let newArgs) = pair[0], case .dict(let newKwargs) = pair[1] else {
                    throw TorchError.runtimeError("forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got \(result).")
                }
                args = newArgs
                kwargs = newKwargs
            }
        }

        let fullBackward = hooks.isFullBackwardHook == true ? Array(hooks.backward.values) : []
        let backwardState = fullBackward.isEmpty && hooks.backwardPre.isEmpty ? nil
            : BackwardHookState(module: self, hooks: fullBackward, preHooks: Array(hooks.backwardPre.values))
        if let backwardState { args = backwardState.setupInputHook(args) }

        // Value views of copies (copy-on-write), so a hook that removes itself changes nothing here, and
        // a call allocates nothing for them.
        let globalPost = global.post.values
        let localPost = hooks.forward.values
        // Post hooks run in order, each counted as called before it runs (as PyTorch adds an always_call
        // hook to its set first): after an error, exactly those past these counts have not run. Counts
        // instead of PyTorch's set, which allocated on every hooked call (a profiler's hooks are always_call).
        var globalStarted = 0, localStarted = 0
        var output: Value = .none
        do {
            output = try body(args, kwargs)
            for entry in globalPost {
                globalStarted += 1
                if let replaced = try entry.hook(self, args, output) { output = replaced }
            }
            for entry in localPost {
                localStarted += 1
                if let replaced = try Module.run(entry, self, args, kwargs, output) { output = replaced }
            }
            if let backwardState { output = backwardState.setupOutputHook(output) }
            if hooks.isFullBackwardHook == false && !hooks.backward.isEmpty { installLegacyBackwardHooks(on: output) }
            return output
        } catch {
            // PyTorch runs the always_call hooks that have not run yet and ignores (warns about) their errors.
            for (i, entry) in globalPost.enumerated() where entry.alwaysCall && i >= globalStarted {
                do { _ = try entry.hook(self, args, output) } catch let hookError {
                    Warnings.warn("global module forward hook with ``always_call=True`` raised an exception that was silenced as another error was raised in forward: \(hookError)")
                }
            }
            for (i, entry) in localPost.enumerated() where entry.alwaysCall && i >= localStarted {
                do { _ = try Module.run(entry, self, args, kwargs, output) } catch let hookError {
                    Warnings.warn("forward hook with ``always_call=True`` raised an exception that was silenced as another error was raised in forward: \(hookError)")
                }
            }
            throw error
        }
    }

    /// torch's non-full `register_backward_hook`: the hooks see the gradients of the last autograd node of
    /// the forward only, which is why PyTorch deprecates them.
    private func installLegacyBackwardHooks(on output: Value) {
        guard let node = output.flattenedTensors().first?.tensor.gradFn else { return }
        let legacy = Array(hooks.backward.values)
        node.registerHook { [unowned self] gradInput, gradOutput in
            var result = gradInput
            for hook in legacy {
                if let replaced = try hook(self, result, gradOutput) { result = replaced }
            }
            return result
        }
        Warnings.warn("Using a non-full backward hook when the forward contains multiple autograd Nodes is deprecated and will be removed in future versions. This hook will be missing some grad_input. Please use register_full_backward_hook to get the documented behavior.", category: "FutureWarning")
    }

    private static func run(_ entry: ForwardHookEntry, _ module: Module, _ args: [Value], _ kwargs: Kwargs,
                            _ output: Value) throws -> Value? {
        switch entry.kind {
        case .plain(let hook): return try hook(module, args, output)
        case .withKwargs(let hook): return try hook(module, args, kwargs, output)
        }
    }

    /// A pre-hook's single (non-tuple) result becomes a 1-tuple of arguments.
    static func wrapPreHookResult(_ result: Value) -> [Value] {
        if case .tuple(let items) = result { return items }
        return [result]
    }
}
