import NNModules

/// What a training step optimizes, supplied by whoever knows the data: the loss of one batch (the forward
/// runs inside it) and the optimizer applying the gradients. Used only on the runner thread.
public struct TrainingStep: @unchecked Sendable {
    public let loss: (Module) throws -> Tensor
    public let optimizer: Optimizer

    public init(optimizer: Optimizer, loss: @escaping (Module) throws -> Tensor) {
        self.loss = loss
        self.optimizer = optimizer
    }

    /// One step as PyTorch writes it: `zero_grad()` (to None), forward + loss, `backward()` timed per module,
    /// gradient statistics, `step()`. Frozen parameters get no gradient, so the optimizer skips them.
    /// - Returns: the loss before the update.
    func run(on model: Module, profiler: ModuleProfiler) throws -> Double {
        try model.zeroGrad(setToNone: true)
        let loss = try GradMode.enableGrad { try self.loss(model) }
        let value = try loss.item()
        try profiler.backward(loss)
        try profiler.recordGradients()
        try optimizer.step()
        return value
    }
}
