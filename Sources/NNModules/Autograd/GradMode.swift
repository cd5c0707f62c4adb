/// torch.is_grad_enabled / torch.no_grad: whether operations record the graph. Scoped per task (and per
/// thread outside tasks) so a runner's `noGrad` does not leak into other threads.
public enum GradMode {
    @TaskLocal public static var isEnabled = true

    /// torch: `with torch.no_grad():`.
    @discardableResult
    public static func noGrad<T>(_ body: () throws -> T) rethrows -> T {
        try $isEnabled.withValue(false, operation: body)
    }

    /// torch: `with torch.enable_grad():`.
    @discardableResult
    public static func enableGrad<T>(_ body: () throws -> T) rethrows -> T {
        try $isEnabled.withValue(true, operation: body)
    }
}
