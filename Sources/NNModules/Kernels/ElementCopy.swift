import Foundation

/// Typed element copies between any two layouts of one shape, with dtype conversion: the basis of
/// `contiguous`, `clone`, `to(dtype:)`, `copy_`, `cat` and every kernel's "bring the operand into the compute
/// dtype" step. Same-dtype copies move raw bytes; the float conversions kernels meet (half and bfloat16
/// weights, float64 runs) have typed loops; rarer pairs go element by element through `Double`.
extension Tensor {
    /// Address of element 0 of this CPU tensor (storage offset applied).
    @inline(__always)
    func elementPointer<T>(_ type: T.Type) -> UnsafeMutablePointer<T> {
        guard let storage else { preconditionFailure("kernel reached a tensor without storage (meta)") }
        return storage.pointer.assumingMemoryBound(to: T.self) + storageOffset
    }

    /// Address of element 0 as raw bytes, for dtype-agnostic copies.
    var rawElementPointer: UnsafeMutableRawPointer {
        guard let storage else { preconditionFailure("kernel reached a tensor without storage (meta)") }
        return storage.pointer + storageOffset * dtype.itemSize
    }

    /// The base address of the storage typed as `T` (offsets from `StridedRuns` include `storageOffset`).
    @inline(__always)
    func storagePointer<T>(_ type: T.Type) -> UnsafeMutablePointer<T> {
        guard let storage else { preconditionFailure("kernel reached a tensor without storage (meta)") }
        return storage.pointer.assumingMemoryBound(to: T.self)
    }

    /// A contiguous CPU tensor of `dtype` with the same values (self when already so).
    func contiguous(as dtype: DType) throws -> Tensor {
        if self.dtype == dtype && isContiguous { return self }
        let out = Tensor.empty(sizes, dtype: dtype, device: device)
        if !isMeta { try Tensor.copyElements(from: self, to: out) }
        return out
    }

    /// Copies `source` (broadcast to `destination`'s shape) into `destination`, converting dtypes.
    static func copyElements(from source: Tensor, to destination: Tensor) throws {
        let shape = destination.sizes
        let runs = StridedRuns(shape: shape, operands: [try source.operandLayout(broadcastTo: shape),
                                                        (destination.strides, destination.storageOffset)])
        let (from, to) = (source.dtype, destination.dtype)
        let src = source.storagePointer(UInt8.self), dst = destination.storagePointer(UInt8.self)
        if from == to {
            copyRaw(runs, src, dst, itemSize: from.itemSize)
        } else if from == .float16 && to == .float32 {
            convert(runs, src, dst) { (x: Float16) -> Float in Float(x) }
        } else if from == .float32 && to == .float16 {
            convert(runs, src, dst) { (x: Float) -> Float16 in Float16(x) }
        } else if from == .bfloat16 && to == .float32 {
            convert(runs, src, dst) { (x: UInt16) -> Float in floatFromBFloat16(x) }
        } else if from == .float32 && to == .bfloat16 {
            convert(runs, src, dst) { (x: Float) -> UInt16 in bfloat16Bits(x) }
        } else if from == .float32 && to == .float64 {
            convert(runs, src, dst) { (x: Float) -> Double in Double(x) }
        } else if from == .float64 && to == .float32 {
            convert(runs, src, dst) { (x: Double) -> Float in Float(x) }
        } else {
            for run in 0..<runs.runCount {
                var i = runs.offset(0, run: run), o = runs.offset(1, run: run)
                for _ in 0..<runs.runLength {
                    to.store(from.load(src, i), dst, o)
                    i += runs.innerStride(0)
                    o += runs.innerStride(1)
                }
            }
        }
    }

    private static func copyRaw(_ runs: StridedRuns, _ src: UnsafeMutablePointer<UInt8>, _ dst: UnsafeMutablePointer<UInt8>,
                                itemSize: Int) {
        let n = runs.runLength
        if runs.innerStride(0) == 1 && runs.innerStride(1) == 1 {
            for run in 0..<runs.runCount {
                (dst + runs.offset(1, run: run) * itemSize).update(from: src + runs.offset(0, run: run) * itemSize,
                                                                    count: n * itemSize)
            }
            return
        }
        switch itemSize {
        case 1: convert(runs, src, dst) { (x: UInt8) -> UInt8 in x }
        case 2: convert(runs, src, dst) { (x: UInt16) -> UInt16 in x }
        case 4: convert(runs, src, dst) { (x: UInt32) -> UInt32 in x }
        case 8: convert(runs, src, dst) { (x: UInt64) -> UInt64 in x }
        default: convert(runs, src, dst) { (x: SIMD2<UInt64>) -> SIMD2<UInt64> in x }
        }
    }

    @inline(__always)
    private static func convert<S, D>(_ runs: StridedRuns, _ src: UnsafeMutablePointer<UInt8>, _ dst: UnsafeMutablePointer<UInt8>,
                                      _ f: (S) -> D) {
        let s = UnsafeMutableRawPointer(src).assumingMemoryBound(to: S.self)
        let d = UnsafeMutableRawPointer(dst).assumingMemoryBound(to: D.self)
        let n = runs.runLength, si = runs.innerStride(0), di = runs.innerStride(1)
        for run in 0..<runs.runCount {
            let a = s + runs.offset(0, run: run), b = d + runs.offset(1, run: run)
            if si == 1 && di == 1 {
                for k in 0..<n { b[k] = f(a[k]) }
            } else {
                for k in 0..<n { b[k * di] = f(a[k * si]) }
            }
        }
    }
}
