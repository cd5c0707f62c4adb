/// torch.nn.Upsample: F.interpolate with the module's size or scale factor.
public final class Upsample: Module {
    public let size: IntOrTuple?
    public let scaleFactor: Double?
    public let mode: String
    public let alignCorners: Bool?
    public let recomputeScaleFactor: Bool?

    public init(size: IntOrTuple? = nil, scaleFactor: Double? = nil, mode: String = "nearest", alignCorners: Bool? = nil,
                recomputeScaleFactor: Bool? = nil) {
        self.size = size
        self.scaleFactor = scaleFactor
        self.mode = mode
        self.alignCorners = alignCorners
        self.recomputeScaleFactor = recomputeScaleFactor
        super.init()
    }

    override public func extraRepr() -> String {
        let info = scaleFactor.map { "scale_factor=" + pythonFloat($0) } ?? "size=" + (size?.description ?? "None")
        return info + ", mode=" + pythonStringRepr(mode)
    }

    override public func forward(_ input: Tensor) throws -> Tensor {
        try input.interpolate(size: size, scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners,
                              recomputeScaleFactor: recomputeScaleFactor)
    }
}
