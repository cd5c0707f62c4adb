import COpenBLAS

/// One matrix operand as BLAS takes it: a pointer, whether it is stored transposed, and its leading dimension.
struct BLASMatrix<T> {
    let pointer: UnsafeMutablePointer<T>
    let transposed: Bool
    let leadingDimension: Int
}

/// Row-major GEMM `C = A·B + beta·C` through OpenBLAS, split across the compute threads by output
/// columns (or rows, when there are more of them) with a single-threaded BLAS call per part.
enum GEMM {
    /// Below this many multiply-adds one call on one core is faster than splitting.
    static let parallelThreshold = 1 << 21

    static func run<T: KernelFloat>(m: Int, n: Int, k: Int, _ a: BLASMatrix<T>, _ b: BLASMatrix<T>,
                                    _ c: UnsafeMutablePointer<T>, ldc: Int, beta: T, threads: Int = ComputeThreads.count) {
        guard m > 0 && n > 0 else { return }
        let parts = m * n * k < parallelThreshold ? 1 : threads
        if parts <= 1 {
            T.gemm(m: m, n: n, k: k, a, b, c, ldc: ldc, beta: beta)
            return
        }
        let byColumns = n >= m
        let total = byColumns ? n : m
        // Column blocks stay multiples of 16 so every part keeps full SIMD panels.
        let step = Swift.max(16, ((total + parts - 1) / parts + 15) / 16 * 16)
        parallelChunks((total + step - 1) / step, grain: 1) { blocks in
            for block in blocks {
                let start = block * step, size = Swift.min(step, total - start)
                if byColumns {
                    let bPart = BLASMatrix(pointer: b.pointer + (b.transposed ? start * b.leadingDimension : start),
                                           transposed: b.transposed, leadingDimension: b.leadingDimension)
                    T.gemm(m: m, n: size, k: k, a, bPart, c + start, ldc: ldc, beta: beta)
                } else {
                    let aPart = BLASMatrix(pointer: a.pointer + (a.transposed ? start : start * a.leadingDimension),
                                           transposed: a.transposed, leadingDimension: a.leadingDimension)
                    T.gemm(m: size, n: n, k: k, aPart, b, c + start * ldc, ldc: ldc, beta: beta)
                }
            }
        }
    }
}

extension Float {
    static func gemm(m: Int, n: Int, k: Int, _ a: BLASMatrix<Float>, _ b: BLASMatrix<Float>, _ c: UnsafeMutablePointer<Float>,
                     ldc: Int, beta: Float) {
        cblas_sgemm(CblasRowMajor, a.transposed ? CblasTrans : CblasNoTrans, b.transposed ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a.pointer, Int32(a.leadingDimension), b.pointer,
                    Int32(b.leadingDimension), beta, c, Int32(ldc))
    }
}

extension Double {
    static func gemm(m: Int, n: Int, k: Int, _ a: BLASMatrix<Double>, _ b: BLASMatrix<Double>, _ c: UnsafeMutablePointer<Double>,
                     ldc: Int, beta: Double) {
        cblas_dgemm(CblasRowMajor, a.transposed ? CblasTrans : CblasNoTrans, b.transposed ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a.pointer, Int32(a.leadingDimension), b.pointer,
                    Int32(b.leadingDimension), beta, c, Int32(ldc))
    }
}
