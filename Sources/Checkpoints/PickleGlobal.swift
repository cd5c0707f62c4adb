/// The globals a weights-only load may reference: the same allowlist idea as
/// `torch._weights_only_unpickler`, cut down to what state dicts need. Anything else is refused when the
/// `GLOBAL` opcode names it, before any call could happen; nothing is ever imported or executed.
enum PickleGlobal: Equatable {
    case orderedDict
    case rebuildTensorV2
    case rebuildTensorV3
    case rebuildParameter
    case rebuildParameterWithState
    case torchSize
    /// `_codecs.encode(text, 'latin1')`, how protocol 2 pickles `bytes`.
    case codecsEncode
    case storageType(StorageDType)
    case dtype(StorageDType)

    enum Resolution {
        case allowed(PickleGlobal)
        /// Allowlisted by torch, but nntop has no dtype for it (complex128, quantized storages...).
        case unsupportedType
        case refused
    }

    static func resolve(module: String, name: String) -> Resolution {
        switch (module, name) {
        case ("collections", "OrderedDict"): return .allowed(.orderedDict)
        case ("torch._utils", "_rebuild_tensor_v2"): return .allowed(.rebuildTensorV2)
        case ("torch._utils", "_rebuild_tensor_v3"): return .allowed(.rebuildTensorV3)
        case ("torch._utils", "_rebuild_parameter"): return .allowed(.rebuildParameter)
        case ("torch._utils", "_rebuild_parameter_with_state"): return .allowed(.rebuildParameterWithState)
        case ("torch", "Size"): return .allowed(.torchSize)
        case ("_codecs", "encode"): return .allowed(.codecsEncode)
        case ("torch", _), ("torch.storage", "UntypedStorage"):
            if name.hasSuffix("Storage") {
                return StorageDType(storageClassName: name).map { .allowed(.storageType($0)) } ?? .unsupportedType
            }
            if let dtype = StorageDType(torchDTypeName: name) { return .allowed(.dtype(dtype)) }
            return torchDTypeNames.contains(name) ? .unsupportedType : .refused
        default:
            return .refused
        }
    }

    /// torch dtypes nntop cannot represent; named so they are reported as unsupported, not as dangerous.
    private static let torchDTypeNames: Set<String> = [
        "complex128", "cdouble", "complex32", "chalf", "qint8", "quint8", "qint32", "quint4x2", "quint2x4",
        "float4_e2m1fn_x2", "bits8", "bits16",
    ]
}
