import NNModules

/// What goes wrong opening or running a saved model; every message names the op, module or class concerned.
public enum ExportedModelError: Error, CustomStringConvertible, Equatable {
    /// The graph uses an op nntop does not implement (`aten.foo.default`), in the module that emitted it.
    case unsupportedOp(op: String, module: String, detail: String)
    /// A training step reaches an op whose kernel records no derivative.
    case noDerivative(op: String, module: String)
    /// A module is shown but cannot run (a custom class of a pickle, any TorchScript module).
    case notRunnable(className: String, reason: String)
    /// The archive is well formed but says something inconsistent (an unknown value, a wrong argument).
    case invalid(String)

    public var description: String {
        switch self {
        case .unsupportedOp(let op, let module, let detail):
            return "\(op) (in \(Self.location(module))) is not implemented in nntop\(detail.isEmpty ? "" : ": \(detail)")"
        case .noDerivative(let op, let module):
            return "\(op) (in \(Self.location(module))) has no derivative in nntop, so a training step cannot go through it"
        case .notRunnable(let className, let reason):
            return "\(className) cannot run: \(reason)"
        case .invalid(let problem):
            return problem
        }
    }

    /// `module `blocks.0.conv``, or `the root module` for the empty name.
    static func location(_ module: String) -> String {
        module.isEmpty ? "the root module" : "module `\(module)`"
    }
}
