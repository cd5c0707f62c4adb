/// Sees every node the engine runs, in order — what PyTorch's autograd profiler records as
/// `autograd::engine::evaluate_function` events. A node's `sequenceNr` ties it to the forward operation that
/// created it, so a profiler that noted `AutogradNode.nextSequenceNr` around each module's forward can charge
/// backward time to modules without touching the graph. The observer reads its own clock.
public protocol BackwardObserver: AnyObject {
    func nodeWillRun(_ node: AutogradNode)
    func nodeDidRun(_ node: AutogradNode)
}

public enum BackwardObservation {
    /// Task-local like `GradMode`, so a runner thread's observer never sees another thread's backward.
    final class Box: @unchecked Sendable {
        let observer: BackwardObserver
        init(_ observer: BackwardObserver) { self.observer = observer }
    }

    @TaskLocal static var current: Box?

    /// Runs `body` (typically `loss.backward()`) with `observer` told of every node the engine runs.
    public static func observing<T>(_ observer: BackwardObserver, _ body: () throws -> T) rethrows -> T {
        try $current.withValue(Box(observer), operation: body)
    }
}
