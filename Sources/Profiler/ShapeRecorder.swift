import NNModules

/// Records each module's output shapes during one forward pass through forward hooks on every submodule
/// (shared modules hooked once, like PyTorch), then removes the hooks, leaving the model as it was.
public enum ShapeRecorder {
    public struct Result {
        /// Output shapes by module name, from the module's last call (flattened like `activations.jsonl`).
        public var outputShapes: [String: [[Int]]] = [:]
        /// The error of the forward pass, if it failed, and the innermost module that was running.
        public var error: String?
        public var failedModule: String?
    }

    public static func record(_ model: Module, inputs: [Value], kwargs: Kwargs = [:]) -> Result {
        var result = Result()
        var stack: [String] = []
        var deepestFailure: String?
        var handles: [RemovableHandle] = []
        for (name, module) in model.namedModules() {
            handles.append(module.registerForwardPreHook { _, _ in
                stack.append(name)
                return nil
            })
            handles.append(module.registerForwardHook(alwaysCall: true) { _, _, output in
                if case .none = output, deepestFailure == nil { deepestFailure = stack.last }
                if !stack.isEmpty { stack.removeLast() }
                result.outputShapes[name] = output.flattenedTensors().map { $0.tensor.sizes }
                return nil
            })
        }
        defer { handles.forEach { $0.remove() } }
        do {
            _ = try GradMode.noGrad { try model.call(inputs, kwargs: kwargs) }
        } catch {
            result.error = "\(error)"
            result.failedModule = deepestFailure ?? stack.last
        }
        return result
    }
}
