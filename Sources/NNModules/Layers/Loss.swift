import Foundation

/// torch.nn.CrossEntropyLoss over class logits `[N, C]` (or `[C]`) and int64 targets `[N]`:
/// log_softmax then negative log likelihood, reduced by mean over the non-ignored targets (or sum/none).
public final class CrossEntropyLoss: Module {
    public let ignoreIndex: Int
    public let reduction: String

    public init(ignoreIndex: Int = -100, reduction: String = "mean") throws {
        guard ["mean", "sum", "none"].contains(reduction) else {
            throw TorchError.valueError("\(reduction) is not a valid value for reduction")
        }
        self.ignoreIndex = ignoreIndex
        self.reduction = reduction
        super.init()
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        guard args.count == 2, let input = args[0].tensor, let target = args[1].tensor else {
            throw TorchError.typeError("CrossEntropyLoss.forward() takes (input, target)")
        }
        return .tensor(try loss(input, target))
    }

    public func loss(_ input: Tensor, _ target: Tensor) throws -> Tensor {
        try Tensor.crossEntropy(input, target, ignoreIndex: ignoreIndex, reduction: reduction)
    }
}

/// torch.nn.MSELoss: mean (or sum, none) of squared differences.
public final class MSELoss: Module {
    public let reduction: String

    public init(reduction: String = "mean") throws {
        guard ["mean", "sum", "none"].contains(reduction) else {
            throw TorchError.valueError("\(reduction) is not a valid value for reduction")
        }
        self.reduction = reduction
        super.init()
    }

    override public func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        guard args.count == 2, let input = args[0].tensor, let target = args[1].tensor else {
            throw TorchError.typeError("MSELoss.forward() takes (input, target)")
        }
        return .tensor(try Tensor.mseLoss(input, target, reduction: reduction))
    }
}
