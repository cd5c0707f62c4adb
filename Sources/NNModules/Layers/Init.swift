import Foundation

/// torch.nn.init pieces the layers' `reset_parameters` use, drawing from the default generator in
/// PyTorch's order so seeded initialization follows PyTorch's.
public enum Init {
    /// torch.nn.init._calculate_fan_in_and_fan_out.
    public static func fans(_ t: Tensor) -> (fanIn: Int, fanOut: Int) {
        let receptive = t.sizes.count > 2 ? t.sizes[2...].reduce(1, *) : 1
        let fanIn = (t.sizes.count > 1 ? t.sizes[1] : 1) * receptive
        let fanOut = (t.sizes.first ?? 1) * receptive
        return (fanIn, fanOut)
    }

    /// torch.nn.init.kaiming_uniform_(t, a=sqrt(5)) — the default of Linear and Conv weights.
    public static func kaimingUniformDefault(_ t: Tensor) {
        let fanIn = fans(t).fanIn
        guard fanIn > 0 else { return }
        let gain = (2.0 / (1.0 + 5.0)).squareRoot()
        let bound = gain * (3.0 / Double(fanIn)).squareRoot()
        t.uniformUnchecked(-bound, bound)
    }

    /// The bias rule of Linear and Conv: uniform(±1/sqrt(fan_in)).
    public static func biasUniform(_ bias: Tensor, fanIn: Int) {
        guard fanIn > 0 else { return }
        let bound = 1 / Double(fanIn).squareRoot()
        bias.uniformUnchecked(-bound, bound)
    }
}

/// A constructor argument PyTorch keeps as given (an int or a tuple) and prints back as given.
public enum IntOrTuple: Equatable, CustomStringConvertible, Sendable {
    case int(Int)
    case tuple([Int])

    public func expanded(_ n: Int) -> [Int] {
        switch self {
        case .int(let v): return [Int](repeating: v, count: n)
        case .tuple(let v): return v
        }
    }

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .tuple(let v): return pythonTuple(v)
        }
    }
}

extension IntOrTuple: ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(arrayLiteral elements: Int...) { self = .tuple(elements) }
}
