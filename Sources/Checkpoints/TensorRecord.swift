/// One named tensor of a checkpoint, described the way PyTorch describes a view: dtype, shape, strides and
/// offset (both in elements) into a storage that other records may share.
///
/// Creation checks that the view lies inside its storage, so readers of a record never go out of bounds.
public struct TensorRecord: Sendable {
    public let name: String
    public let dtype: StorageDType
    public let shape: [Int]
    public let strides: [Int]
    /// Offset of element 0 in the storage, in elements of `dtype`.
    public let storageOffset: Int
    public let storage: StorageRef
    /// The `requires_grad` flag recorded by `torch.save` (parameters); always false for safetensors.
    public let requiresGrad: Bool
    /// Number of elements (product of `shape`; 1 for a scalar).
    public let elementCount: Int

    init(
        name: String, dtype: StorageDType, shape: [Int], strides: [Int], storageOffset: Int,
        storage: StorageRef, requiresGrad: Bool
    ) throws(CheckpointError) {
        func invalid(_ problem: String) -> CheckpointError {
            CheckpointError(file: storage.id.file, kind: .invalidTensor, message: "tensor `\(name)`: \(problem)")
        }
        guard shape.count == strides.count else {
            throw invalid("shape \(shape) and strides \(strides) differ in rank")
        }
        guard shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }), storageOffset >= 0 else {
            throw invalid("negative size, stride or offset (shape \(shape), strides \(strides), offset \(storageOffset))")
        }
        guard let count = Self.checkedProduct(shape) else { throw invalid("element count of shape \(shape) overflows") }
        if count > 0 {
            var lastIndex = storageOffset
            for (size, stride) in zip(shape, strides) {
                let (step, overflow1) = (size - 1).multipliedReportingOverflow(by: stride)
                let (sum, overflow2) = lastIndex.addingReportingOverflow(step)
                guard !overflow1, !overflow2 else { throw invalid("view extent overflows") }
                lastIndex = sum
            }
            let (end, overflow) = (lastIndex + 1).multipliedReportingOverflow(by: dtype.elementSize)
            guard !overflow, end <= storage.byteCount else {
                throw invalid(
                    "view (shape \(shape), strides \(strides), offset \(storageOffset)) needs \(lastIndex + 1) "
                        + "\(dtype.torchName) elements but its storage holds \(storage.byteCount / dtype.elementSize)")
            }
        }
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.strides = strides
        self.storageOffset = storageOffset
        self.storage = storage
        self.requiresGrad = requiresGrad
        self.elementCount = count
    }

    static func checkedProduct(_ values: [Int]) -> Int? {
        var product = 1
        for value in values {
            let (next, overflow) = product.multipliedReportingOverflow(by: value)
            if overflow { return nil }
            product = next
        }
        return product
    }

    /// Row-major strides for `shape` (what a freshly allocated tensor has).
    public static func contiguousStrides(for shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in shape.indices.reversed() {
            strides[axis] = running
            running = running &* max(shape[axis], 1)
        }
        return strides
    }

    /// True when the elements are stored row-major without gaps (size-1 axes may have any stride).
    public var isContiguous: Bool {
        var expected = 1
        for (size, stride) in zip(shape, strides).reversed() where size != 1 {
            if stride != expected { return false }
            expected = expected &* size
        }
        return true
    }

    /// Calls `body` with the elements in row-major order: a zero-copy slice of the storage when the record
    /// is contiguous, otherwise a temporary gathered copy.
    public func withContiguousBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let size = dtype.elementSize
        if elementCount == 0 {
            // An empty view's offset is not bounded by its storage, so no byte range is formed from it.
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return try storage.withUnsafeBytes { (all) throws(E) -> R in
            if isContiguous {
                let start = storageOffset * size
                return try body(UnsafeRawBufferPointer(rebasing: all[start..<start + elementCount * size]))
            }
            var gathered = [UInt8](repeating: 0, count: elementCount * size)
            var index = [Int](repeating: 0, count: shape.count)
            var source = storageOffset
            gathered.withUnsafeMutableBytes { target in
                for element in 0..<elementCount {
                    UnsafeMutableRawBufferPointer(rebasing: target[element * size..<(element + 1) * size])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: all[source * size..<(source + 1) * size]))
                    var axis = shape.count - 1
                    while axis >= 0 {
                        index[axis] += 1
                        source += strides[axis]
                        if index[axis] < shape[axis] { break }
                        source -= strides[axis] * shape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
            let result = gathered.withUnsafeBytes { bytes in Result { () throws(E) -> R in try body(bytes) } }
            return try result.get()
        }
    }

    /// Every element in row-major order, decoded to `Double` (complex elements decode to NaN).
    public func elementValues() -> [Double] {
        withContiguousBytes { bytes in
            (0..<elementCount).map { dtype.decode(bytes, atByteOffset: $0 * dtype.elementSize) ?? .nan }
        }
    }
}
