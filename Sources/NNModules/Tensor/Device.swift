/// torch.device. nntop computes on the CPU; `meta` tensors carry shape and dtype without storage so the
/// structure, output shapes and FLOPs of huge models are known without memory or compute.
public enum Device: String, Sendable, Hashable, CustomStringConvertible {
    case cpu, meta

    public var description: String { rawValue }

    /// Parses a device string the way `torch.device(...)` does; accelerators this build has no backend for
    /// answer with PyTorch's own message for a CPU-only build.
    public init(parsing text: String) throws {
        let type = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? text
        switch type {
        case "cpu": self = .cpu
        case "meta": self = .meta
        case "cuda": throw TorchError.assertionError("Torch not compiled with CUDA enabled")
        case "xpu", "ipu", "mps", "mtia", "hpu", "xla":
            throw TorchError.runtimeError("device '\(text)' is not available: this nntop build computes on the CPU only")
        default:
            throw TorchError.runtimeError(
                "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device string: \(text)")
        }
    }
}
