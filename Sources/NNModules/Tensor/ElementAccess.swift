/// Reading and writing single elements of any dtype as Double. This is the general (slow) path used by
/// printing, statistics and dtype casts; kernels use typed pointers.
extension DType {
    @inline(__always)
    func load(_ base: UnsafeMutableRawPointer, _ index: Int) -> Double {
        switch self {
        case .float32: return Double(base.load(fromByteOffset: index * 4, as: Float.self))
        case .float64: return base.load(fromByteOffset: index * 8, as: Double.self)
        case .float16: return Double(Float(base.load(fromByteOffset: index * 2, as: Float16.self)))
        case .bfloat16: return Double(floatFromBFloat16(base.load(fromByteOffset: index * 2, as: UInt16.self)))
        case .int64: return Double(base.load(fromByteOffset: index * 8, as: Int64.self))
        case .int32: return Double(base.load(fromByteOffset: index * 4, as: Int32.self))
        case .int16: return Double(base.load(fromByteOffset: index * 2, as: Int16.self))
        case .int8: return Double(base.load(fromByteOffset: index, as: Int8.self))
        case .uint8: return Double(base.load(fromByteOffset: index, as: UInt8.self))
        case .bool: return base.load(fromByteOffset: index, as: UInt8.self) != 0 ? 1 : 0
        case .complex64: return Double(base.load(fromByteOffset: index * 8, as: Float.self))
        case .complex128: return base.load(fromByteOffset: index * 16, as: Double.self)
        }
    }

    /// Stores with PyTorch's cast semantics: float→int truncates toward zero, anything→bool is `!= 0`,
    /// real→complex sets the imaginary part to zero.
    @inline(__always)
    func store(_ value: Double, _ base: UnsafeMutableRawPointer, _ index: Int) {
        switch self {
        case .float32: base.storeBytes(of: Float(value), toByteOffset: index * 4, as: Float.self)
        case .float64: base.storeBytes(of: value, toByteOffset: index * 8, as: Double.self)
        case .float16: base.storeBytes(of: Float16(Float(value)), toByteOffset: index * 2, as: Float16.self)
        case .bfloat16: base.storeBytes(of: bfloat16Bits(Float(value)), toByteOffset: index * 2, as: UInt16.self)
        case .int64: base.storeBytes(of: Int64(clamping: Int(exactly: value.rounded(.towardZero)) ?? 0), toByteOffset: index * 8, as: Int64.self)
        case .int32: base.storeBytes(of: Int32(truncatingIfNeeded: Int(exactly: value.rounded(.towardZero)) ?? 0), toByteOffset: index * 4, as: Int32.self)
        case .int16: base.storeBytes(of: Int16(truncatingIfNeeded: Int(exactly: value.rounded(.towardZero)) ?? 0), toByteOffset: index * 2, as: Int16.self)
        case .int8: base.storeBytes(of: Int8(truncatingIfNeeded: Int(exactly: value.rounded(.towardZero)) ?? 0), toByteOffset: index, as: Int8.self)
        case .uint8: base.storeBytes(of: UInt8(truncatingIfNeeded: Int(exactly: value.rounded(.towardZero)) ?? 0), toByteOffset: index, as: UInt8.self)
        case .bool: base.storeBytes(of: UInt8(value != 0 ? 1 : 0), toByteOffset: index, as: UInt8.self)
        case .complex64:
            base.storeBytes(of: Float(value), toByteOffset: index * 8, as: Float.self)
            base.storeBytes(of: Float(0), toByteOffset: index * 8 + 4, as: Float.self)
        case .complex128:
            base.storeBytes(of: value, toByteOffset: index * 16, as: Double.self)
            base.storeBytes(of: 0.0, toByteOffset: index * 16 + 8, as: Double.self)
        }
    }
}

extension Tensor {
    /// Storage element offsets of every element in row-major (logical) order.
    public func elementOffsets() -> [Int] {
        let n = count
        var offsets = [Int](repeating: storageOffset, count: n)
        if n == 0 || sizes.isEmpty { return offsets }
        var index = [Int](repeating: 0, count: sizes.count)
        var current = storageOffset
        for i in 0..<n {
            offsets[i] = current
            var d = sizes.count - 1
            while d >= 0 {
                index[d] += 1
                current += strides[d]
                if index[d] < sizes[d] { break }
                current -= strides[d] * sizes[d]
                index[d] = 0
                d -= 1
            }
        }
        return offsets
    }

    /// All elements as Double in logical order. Meta tensors have no values.
    public func toDoubles() throws -> [Double] {
        try checkInitialized("tolist")
        guard let storage else {
            if device == .meta { throw TorchError.notImplementedError("Cannot copy out of meta tensor; no data!") }
            return []
        }
        let base = storage.pointer
        if isContiguous {
            return (0..<count).map { dtype.load(base, storageOffset + $0) }
        }
        return elementOffsets().map { dtype.load(base, $0) }
    }

    /// Every `stride`-th element (logical order) as Double: statistics of large tensors read a sample
    /// without converting the whole tensor first.
    public func toDoubles(every stride: Int) throws -> [Double] {
        guard stride > 1 else { return try toDoubles() }
        try checkInitialized("tolist")
        guard let storage else {
            if device == .meta { throw TorchError.notImplementedError("Cannot copy out of meta tensor; no data!") }
            return []
        }
        let base = storage.pointer
        let picked = Swift.stride(from: 0, to: count, by: stride)
        if isContiguous { return picked.map { dtype.load(base, storageOffset + $0) } }
        let offsets = elementOffsets()
        return picked.map { dtype.load(base, offsets[$0]) }
    }

    /// `item()` of a one-element tensor.
    public func item() throws -> Double {
        guard count == 1 else {
            throw TorchError.runtimeError("a Tensor with \(count) elements cannot be converted to Scalar")
        }
        return try toDoubles()[0]
    }

    /// Overwrites every element from `values` (logical order), casting to this dtype.
    func assign(_ values: [Double]) {
        guard let storage else { return }
        let base = storage.pointer
        if isContiguous {
            for (i, v) in values.enumerated() { dtype.store(v, base, storageOffset + i) }
        } else {
            for (v, offset) in zip(values, elementOffsets()) { dtype.store(v, base, offset) }
        }
    }

    /// A new contiguous CPU tensor from values in logical order.
    public convenience init(_ values: [Double], shape: [Int], dtype: DType = .float32) {
        precondition(values.count == shape.reduce(1, *), "value count does not match shape")
        self.init(storage: Storage(byteCount: values.count * dtype.itemSize), shape: shape, dtype: dtype, device: .cpu)
        assign(values)
    }

    public convenience init(_ values: [Float], shape: [Int]) {
        self.init(values.map(Double.init), shape: shape, dtype: .float32)
    }

    /// torch.tensor(scalar) — a 0-d tensor. Integers default to int64, like Python ints.
    public convenience init(scalar: Double, dtype: DType = .float32) {
        self.init([scalar], shape: [], dtype: dtype)
    }

    public convenience init(scalar: Int) {
        self.init([Double(scalar)], shape: [], dtype: .int64)
    }
}
