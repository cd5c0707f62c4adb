import Foundation

/// Decoding single elements to `Double`, so callers (tests, summaries, the tensor layer's slow paths) can
/// read any stored dtype without knowing its bit layout.
extension StorageDType {
    /// bfloat16 is the top half of a float32: shifting the bits back is exact.
    public static func float(fromBFloat16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// IEEE half precision, through Swift's `Float16` (exact: every half is a float).
    public static func float(fromFloat16 bits: UInt16) -> Float {
        Float(Float16(bitPattern: bits))
    }

    /// The element at `byteOffset` of `bytes` (little-endian) as a `Double`; `nil` for complex numbers or
    /// when the element does not lie inside `bytes`. Booleans read as 0 or 1.
    public func decode(_ bytes: UnsafeRawBufferPointer, atByteOffset byteOffset: Int) -> Double? {
        guard byteOffset >= 0, byteOffset <= bytes.count - elementSize else { return nil }
        func load<T: FixedWidthInteger>(_: T.Type) -> T {
            T(littleEndian: bytes.loadUnaligned(fromByteOffset: byteOffset, as: T.self))
        }
        switch self {
        case .bool: return load(UInt8.self) == 0 ? 0 : 1
        case .u8: return Double(load(UInt8.self))
        case .i8: return Double(load(Int8.self))
        case .i16: return Double(load(Int16.self))
        case .u16: return Double(load(UInt16.self))
        case .i32: return Double(load(Int32.self))
        case .u32: return Double(load(UInt32.self))
        case .i64: return Double(load(Int64.self))
        case .u64: return Double(load(UInt64.self))
        case .f16: return Double(Self.float(fromFloat16: load(UInt16.self)))
        case .bf16: return Double(Self.float(fromBFloat16: load(UInt16.self)))
        case .f32: return Double(Float(bitPattern: load(UInt32.self)))
        case .f64: return Double(bitPattern: load(UInt64.self))
        case .f8e5m2: return Double(Self.float(fromFloat16: UInt16(load(UInt8.self)) << 8))
        case .f8e4m3:
            let bits = load(UInt8.self)
            return bits & 0x7F == 0x7F ? .nan : Self.minifloat(bits, mantissaBits: 3, bias: 7)
        case .f8e4m3fnuz:
            let bits = load(UInt8.self)
            return bits == 0x80 ? .nan : Self.minifloat(bits, mantissaBits: 3, bias: 8)
        case .f8e5m2fnuz:
            let bits = load(UInt8.self)
            return bits == 0x80 ? .nan : Self.minifloat(bits, mantissaBits: 2, bias: 16)
        case .f8e8m0:
            let bits = load(UInt8.self)
            return bits == 0xFF ? .nan : Foundation.pow(2.0, Double(Int(bits) - 127))
        case .c64: return nil
        }
    }

    /// A finite 8-bit float with a sign bit, `7 - mantissaBits` exponent bits and the given bias.
    private static func minifloat(_ bits: UInt8, mantissaBits: Int, bias: Int) -> Double {
        let sign: Double = bits & 0x80 == 0 ? 1 : -1
        let exponent = Int(bits & 0x7F) >> mantissaBits
        let mantissa = Double(Int(bits) & ((1 << mantissaBits) - 1)) / Double(1 << mantissaBits)
        if exponent == 0 {
            return sign * mantissa * Foundation.pow(2.0, Double(1 - bias))
        }
        return sign * (1 + mantissa) * Foundation.pow(2.0, Double(exponent - bias))
    }
}
