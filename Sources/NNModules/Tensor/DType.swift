/// torch.dtype: the element types nntop stores. Half types are stored as such and widened for compute.
public enum DType: String, CaseIterable, Sendable, Hashable {
    case float32, float64, float16, bfloat16
    case int64, int32, int16, int8, uint8, bool
    case complex64, complex128

    /// Bytes per element (torch: `element_size()`).
    public var itemSize: Int {
        switch self {
        case .float64, .int64, .complex64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16, .int16: return 2
        case .int8, .uint8, .bool: return 1
        case .complex128: return 16
        }
    }

    /// torch: `dtype.is_floating_point`.
    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float64, .float16, .bfloat16: return true
        default: return false
        }
    }

    /// torch: `dtype.is_complex`.
    public var isComplex: Bool { self == .complex64 || self == .complex128 }

    /// `str(dtype)`, e.g. `torch.float32`.
    public var torchName: String { "torch.\(rawValue)" }

    /// The legacy tensor type name PyTorch prints in error messages and `Tensor.type()`
    /// (`torch.FloatTensor`), which `ParameterDict`'s repr and `torch.typename` use.
    public var legacyTypeName: String {
        switch self {
        case .float32: return "torch.FloatTensor"
        case .float64: return "torch.DoubleTensor"
        case .float16: return "torch.HalfTensor"
        case .bfloat16: return "torch.BFloat16Tensor"
        case .int64: return "torch.LongTensor"
        case .int32: return "torch.IntTensor"
        case .int16: return "torch.ShortTensor"
        case .int8: return "torch.CharTensor"
        case .uint8: return "torch.ByteTensor"
        case .bool: return "torch.BoolTensor"
        case .complex64: return "torch.ComplexFloatTensor"
        case .complex128: return "torch.ComplexDoubleTensor"
        }
    }

    /// Parses `float32`, `torch.float32`, and PyTorch's aliases (`float`, `half`, `double`, `long`...).
    public init?(parsing text: String) {
        let name = text.hasPrefix("torch.") ? String(text.dropFirst(6)) : text
        switch name {
        case "float", "float32": self = .float32
        case "double", "float64": self = .float64
        case "half", "float16": self = .float16
        case "bfloat16": self = .bfloat16
        case "long", "int64": self = .int64
        case "int", "int32": self = .int32
        case "short", "int16": self = .int16
        case "int8": self = .int8
        case "uint8": self = .uint8
        case "bool": self = .bool
        case "complex64", "cfloat": self = .complex64
        case "complex128", "cdouble": self = .complex128
        default: return nil
        }
    }
}
