import NNModules

/// transformers.pytorch_utils `Conv1D` (GPT-2's projections): a linear layer whose weight is stored
/// transposed, `[nx, nf]`, so `y = x · W + b`. Checkpoints keep that layout.
public final class Conv1D: Module {
    public let nf: Int, nx: Int

    public init(nf: Int, nx: Int) throws {
        self.nf = nf
        self.nx = nx
        super.init()
        let weight = Tensor.empty([nx, nf])
        try weight.normal_(mean: 0, std: 0.02)
        try registerParameter("weight", Parameter(weight))
        try registerParameter("bias", Parameter(Tensor.zeros([nf])))
    }

    /// The reference overrides `__repr__` itself.
    override public func repr() -> String { "Conv1D(nf=\(nf), nx=\(nx))" }

    override public func forward(_ input: Tensor) throws -> Tensor {
        guard let weight = parameter("weight"), let bias = parameter("bias") else {
            throw TorchError.attributeError("'Conv1D' object has no attribute 'weight'")
        }
        let sizeOut = Array(input.sizes.dropLast()) + [nf]
        return try Tensor.addmm(bias, try input.reshape([-1, nx]), weight).view(sizeOut)
    }
}
