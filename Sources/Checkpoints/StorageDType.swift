/// Element types of checkpoint storages: every whole-byte dtype the safetensors format knows, which
/// covers every dtype `torch.save` writes for ordinary tensors.
///
/// Cases are declared in the order of the Rust crate's `Dtype` enum; `safetensorsRank` keeps that order
/// because safetensors writers sort tensors by it (largest first), and matching it makes our files
/// byte-identical to Python's.
public enum StorageDType: String, Sendable, CaseIterable, Hashable {
    case bool = "BOOL"
    case u8 = "U8"
    case i8 = "I8"
    case f8e5m2 = "F8_E5M2"
    case f8e4m3 = "F8_E4M3"
    case f8e8m0 = "F8_E8M0"
    case f8e4m3fnuz = "F8_E4M3FNUZ"
    case f8e5m2fnuz = "F8_E5M2FNUZ"
    case i16 = "I16"
    case u16 = "U16"
    case f16 = "F16"
    case bf16 = "BF16"
    case i32 = "I32"
    case u32 = "U32"
    case f32 = "F32"
    case c64 = "C64"
    case f64 = "F64"
    case i64 = "I64"
    case u64 = "U64"

    /// The safetensors code (`F32`, `BF16`, ...).
    public var safetensorsName: String { rawValue }

    /// PyTorch's name without the `torch.` prefix (`float32`, `bfloat16`, ...), as the goldens spell it.
    public var torchName: String {
        switch self {
        case .bool: "bool"
        case .u8: "uint8"
        case .i8: "int8"
        case .f8e5m2: "float8_e5m2"
        case .f8e4m3: "float8_e4m3fn"
        case .f8e8m0: "float8_e8m0fnu"
        case .f8e4m3fnuz: "float8_e4m3fnuz"
        case .f8e5m2fnuz: "float8_e5m2fnuz"
        case .i16: "int16"
        case .u16: "uint16"
        case .f16: "float16"
        case .bf16: "bfloat16"
        case .i32: "int32"
        case .u32: "uint32"
        case .f32: "float32"
        case .c64: "complex64"
        case .f64: "float64"
        case .i64: "int64"
        case .u64: "uint64"
        }
    }

    /// Bytes per element.
    public var elementSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3, .f8e8m0, .f8e4m3fnuz, .f8e5m2fnuz: 1
        case .i16, .u16, .f16, .bf16: 2
        case .i32, .u32, .f32: 4
        case .c64, .f64, .i64, .u64: 8
        }
    }

    /// Position in the safetensors crate's `Dtype` declaration (which also has sub-byte F4/F6 types).
    var safetensorsRank: Int {
        switch self {
        case .bool: 0
        case .u8: 4
        case .i8: 5
        case .f8e5m2: 6
        case .f8e4m3: 7
        case .f8e8m0: 8
        case .f8e4m3fnuz: 9
        case .f8e5m2fnuz: 10
        case .i16: 11
        case .u16: 12
        case .f16: 13
        case .bf16: 14
        case .i32: 15
        case .u32: 16
        case .f32: 17
        case .c64: 18
        case .f64: 19
        case .i64: 20
        case .u64: 21
        }
    }

    /// Every dtype code the safetensors crate accepts, in its declaration order; its "unknown variant"
    /// error lists them like this. `F4`, `F6_E2M3` and `F6_E3M2` are packed sub-byte formats nntop does not load.
    static let safetensorsVariantNames = [
        "BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ",
        "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64", "F64", "I64", "U64",
    ]

    /// The dtype of a `torch.<name>` global as it appears in pickles (`torch.float32`, `torch.half`, ...).
    init?(torchDTypeName name: String) {
        let aliases: [String: StorageDType] = [
            "float": .f32, "double": .f64, "half": .f16, "long": .i64, "int": .i32, "short": .i16,
        ]
        if let alias = aliases[name] {
            self = alias
        } else if let match = StorageDType.allCases.first(where: { $0.torchName == name }) {
            self = match
        } else {
            return nil
        }
    }

    /// The dtype of a legacy typed storage class (`torch.FloatStorage`, ...), which is how `torch.save`
    /// names a storage's element type.
    init?(storageClassName name: String) {
        let classes: [String: StorageDType] = [
            "DoubleStorage": .f64, "FloatStorage": .f32, "HalfStorage": .f16, "BFloat16Storage": .bf16,
            "LongStorage": .i64, "IntStorage": .i32, "ShortStorage": .i16, "CharStorage": .i8,
            "ByteStorage": .u8, "BoolStorage": .bool, "UntypedStorage": .u8,
        ]
        guard let dtype = classes[name] else { return nil }
        self = dtype
    }
}
