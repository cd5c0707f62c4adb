/// What in-place operations need from autograd: the input's original values saved for the derivative, and
/// the overwritten tensor taking the result's place in the graph (torch: `rebase_history`).
extension Tensor {
    /// A copy of the values that stands in this tensor's place in the graph (same `grad_fn` and output
    /// number), for an in-place function to compute from before the values are overwritten.
    func copyKeepingHistory() throws -> Tensor {
        let copy = try GradMode.noGrad { try clone() }
        copy.gradFn = gradFn
        copy.outputNr = outputNr
        return copy
    }

    /// After an in-place operation, this tensor is that operation's output in the graph.
    func rebaseHistory(onto result: Tensor) {
        gradFn = result.gradFn
        outputNr = result.outputNr
    }

    static let leafInPlaceMessage = "a leaf Variable that requires grad is being used in an in-place operation."
}
