/// torch.utils.hooks.BackwardHook: how a module's full backward hooks see `grad_input`/`grad_output`.
/// The tensors going into and coming out of the module pass through identity nodes
/// (`BackwardHookFunctionBackward`); the output node's pre-hook captures `grad_output` (and runs the
/// backward pre-hooks), the input node's hook calls the full backward hooks with `grad_input`.
final class BackwardHookState {
    unowned let module: Module
    let hooks: [BackwardHook]
    let preHooks: [BackwardPreHook]
    var gradOutputs: [Tensor?]?
    var inputCount = 0
    var inputIndex: [Int]?
    var outputCount = 0
    var outputIndex: [Int]?

    init(module: Module, hooks: [BackwardHook], preHooks: [BackwardPreHook]) {
        self.module = module
        self.hooks = hooks
        self.preHooks = preHooks
    }

    /// Replaces the tensors among `args` by identity-node outputs when one requires grad.
    private func wrap(_ args: [Value], install: (AutogradNode) -> Void) -> (values: [Value], index: [Int]?) {
        var index: [Int] = []
        var tensors: [Tensor] = []
        for (i, arg) in args.enumerated() {
            if case .tensor(let t) = arg {
                index.append(i)
                tensors.append(t)
            }
        }
        guard GradMode.isEnabled, tensors.contains(where: \.requiresGrad) else { return (args, nil) }
        let outputs = tensors.map { $0.detach() }
        // Like PyTorch's BackwardHookFunction, which returns its inputs as views: changing them in place
        // would bypass the hooks, so it is an error.
        let origins = tensors.enumerated().map { i, t in
            ViewOrigin(base: t.viewOrigin?.base ?? t, creation: .customFunction(function: "BackwardHookFunction", output: i))
        }
        Tensor.record("BackwardHookFunctionBackward", inputs: tensors, outputs: outputs, outputsAreViews: true) { $0 }
        for (output, origin) in zip(outputs, origins) { output.viewOrigin = origin }
        if let node = outputs.first?.gradFn { install(node) }
        var values = args
        for (i, t) in zip(index, outputs) { values[i] = .tensor(t) }
        return (values, index)
    }

    private static func pack(_ index: [Int]?, _ values: [Tensor?], count: Int) -> [Tensor?] {
        var packed = [Tensor?](repeating: nil, count: count)
        for (i, position) in (index ?? []).enumerated() where i < values.count { packed[position] = values[i] }
        return packed
    }

    func setupInputHook(_ args: [Value]) -> [Value] {
        let (values, index) = wrap(args) { node in
            node.registerHook { [self] gradInput, _ in
                guard let gradOutputs else { return nil }
                var result = Self.pack(inputIndex, gradInput, count: inputCount)
                for hook in hooks {
                    guard let replaced = try hook(module, result, gradOutputs) else { continue }
                    guard replaced.count == result.count else {
                        throw TorchError.runtimeError("Backward hook returned an invalid number of grad_input, got \(replaced.count), but expected \(result.count)")
                    }
                    result = replaced
                }
                self.gradOutputs = nil
                return (inputIndex ?? []).map { result[$0] }
            }
        }
        inputCount = args.count
        inputIndex = index
        return values
    }

    func setupOutputHook(_ output: Value) -> Value {
        let isTuple: Bool
        let items: [Value]
        if case .tuple(let values) = output { (isTuple, items) = (true, values) } else { (isTuple, items) = (false, [output]) }
        let (values, index) = wrap(items) { node in
            node.registerPreHook { [self] gradOutput in
                gradOutputs = Self.pack(outputIndex, gradOutput, count: outputCount)
                for hook in preHooks {
                    guard let replaced = try hook(module, gradOutputs ?? []) else { continue }
                    guard replaced.count == gradOutputs?.count else {
                        throw TorchError.runtimeError("Backward pre hook returned an invalid number of grad_output, got \(replaced.count), but expected \(gradOutputs?.count ?? 0)")
                    }
                    gradOutputs = replaced
                }
                let local = gradOutputs ?? []
                if inputIndex == nil {
                    Warnings.warn("Full backward hook is firing when gradients are computed with respect to module outputs since no inputs require gradients. See https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn.Module.register_full_backward_hook for more details.")
                    let gradInputs = [Tensor?](repeating: nil, count: inputCount)
                    for hook in hooks {
                        if let result = try hook(module, gradInputs, local), result.contains(where: { $0 != nil }) {
                            throw TorchError.runtimeError("Backward hook for Modules where no input requires gradient should always return None or None for all gradients.")
                        }
                    }
                    gradOutputs = nil
                }
                return (outputIndex ?? []).map { local[$0] }
            }
        }
        outputCount = items.count
        outputIndex = index
        return isTuple ? .tuple(values) : values[0]
    }
}
