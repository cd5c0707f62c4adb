/// torch.result_type for the binary ops nntop implements: the wider floating type wins, integers promote
/// to int64, a Python float scalar makes an integer tensor use the default float dtype.
enum TypePromotion {
    static func result(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a == .float64 || b == .float64 { return .float64 }
        if a.isFloatingPoint && b.isFloatingPoint { return .float32 }
        if a.isFloatingPoint { return a }
        if b.isFloatingPoint { return b }
        if a == .bool { return b }
        if b == .bool { return a }
        return .int64
    }

    static func withScalar(_ a: DType, scalarIsFloat: Bool) -> DType {
        if scalarIsFloat && !a.isFloatingPoint { return TensorDefaults.dtype }
        if a == .bool { return scalarIsFloat ? TensorDefaults.dtype : .int64 }
        return a
    }
}

/// Broadcast two shapes (numpy rules), with PyTorch's error text.
func broadcastShapes(_ a: [Int], _ b: [Int]) throws -> [Int] {
    let n = max(a.count, b.count)
    var out = [Int](repeating: 1, count: n)
    for i in 0..<n {
        let da = i < n - a.count ? 1 : a[i - (n - a.count)]
        let db = i < n - b.count ? 1 : b[i - (n - b.count)]
        if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else {
            throw TorchError.runtimeError("The size of tensor a (\(da)) must match the size of tensor b (\(db)) at non-singleton dimension \(i)")
        }
    }
    return out
}
