/// Matrix products through OpenBLAS (torch: linear, matmul, bmm). Operands are passed to BLAS in place
/// when their last two dimensions are row- or column-major (transposed views such as `k.transpose(-1, -2)`
/// cost no copy); other layouts and other dtypes are copied into the compute dtype first. Half inputs
/// compute in float32 and are stored back in their dtype, like PyTorch's CPU kernels accumulate in float.
extension Tensor {
    /// This tensor's last two dimensions as a BLAS operand in `T` (copying only when BLAS cannot read it).
    fileprivate func blasOperand<T: KernelFloat>(_ type: T.Type) throws -> (tensor: Tensor, transposed: Bool, ld: Int) {
        let source = dtype == T.dtype ? self : try contiguous(as: T.dtype)
        let rows = source.sizes[source.rank - 2], cols = source.sizes[source.rank - 1]
        let s0 = source.strides[source.rank - 2], s1 = source.strides[source.rank - 1]
        if s1 == 1 || cols == 1, s0 >= Swift.max(cols, 1) || rows == 1 {
            return (source, false, Swift.max(s0, cols, 1))
        }
        if s0 == 1 || rows == 1, s1 >= Swift.max(rows, 1) || cols == 1 {
            return (source, true, Swift.max(s1, rows, 1))
        }
        let copy = try source.contiguous()
        return (copy, false, Swift.max(cols, 1))
    }

    /// Storage offsets of each matrix of a `[batch..., r, c]` view, in batch order.
    fileprivate var matrixOffsets: [Int] {
        Tensor(storage: storage, storageOffset: storageOffset, shape: Array(sizes.dropLast(2)),
               strides: Array(strides.dropLast(2)), dtype: dtype, device: device).elementOffsets()
    }

    /// `out[i] = a[i] · b[i]` for batches `[batch..., m, k]` × `[batch..., k, n]` (same batch shape, any
    /// strides, broadcast ones included) into a contiguous `[batch..., m, n]` of `T` (beta 1 when `out`
    /// already holds an addend).
    fileprivate static func batchedGEMM<T: KernelFloat>(_ type: T.Type, _ a: Tensor, _ b: Tensor, into out: Tensor, beta: T) throws {
        let (m, k, n) = (a.sizes[a.rank - 2], a.sizes[a.rank - 1], b.sizes[b.rank - 1])
        let (x, xt, lda) = try a.blasOperand(T.self)
        let (y, yt, ldb) = try b.blasOperand(T.self)
        let aOffsets = x.matrixOffsets, bOffsets = y.matrixOffsets
        let px = x.storagePointer(T.self), py = y.storagePointer(T.self), pc = out.elementPointer(T.self)
        let count = aOffsets.count
        let threads = count >= ComputeThreads.count ? 1 : ComputeThreads.count
        parallelChunks(count, grain: threads == 1 ? Swift.max(1, GEMM.parallelThreshold / Swift.max(m * n * k, 1)) : count) { range in
            for i in range {
                GEMM.run(m: m, n: n, k: k, BLASMatrix(pointer: px + aOffsets[i], transposed: xt, leadingDimension: lda),
                         BLASMatrix(pointer: py + bOffsets[i], transposed: yt, leadingDimension: ldb),
                         pc + i * m * n, ldc: n, beta: beta, threads: threads)
            }
        }
    }

    /// Runs `batchedGEMM` in the compute dtype of `outType`, optionally starting from `addend` (broadcast).
    fileprivate static func product(_ a: Tensor, _ b: Tensor, outShape: [Int], outType: DType, addend: Tensor?) throws -> Tensor {
        let compute = ComputeType.of(outType)
        let out = Tensor.empty(outShape, dtype: compute)
        if let addend { try copyElements(from: addend, to: out) }
        if compute == .float64 {
            try batchedGEMM(Double.self, a, b, into: out, beta: addend == nil ? 0 : 1)
        } else {
            try batchedGEMM(Float.self, a, b, into: out, beta: addend == nil ? 0 : 1)
        }
        return try out.to(dtype: outType)
    }

    /// torch.nn.functional.linear: `input @ weight.T + bias` over the last dimension (bias added by GEMM).
    static func linearValues(_ input: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        let k = input.sizes.last ?? 1
        let m = input.rank == 0 ? 1 : input.count / Swift.max(k, 1)
        guard weight.rank == 2, weight.sizes[1] == k else {
            throw TorchError.runtimeError("mat1 and mat2 shapes cannot be multiplied (\(m)x\(k) and \(weight.sizes.count == 2 ? weight.sizes[1] : weight.count)x\(weight.sizes.first ?? 0))")
        }
        let n = weight.sizes[0]
        let outShape = Array(input.sizes.dropLast()) + [n]
        let outType = TypePromotion.result(input.dtype, weight.dtype)
        if input.isMeta || weight.isMeta {
            return Tensor(storage: nil, shape: outShape, dtype: outType, device: .meta)
        }
        if let out = contiguousFloatLinear(input, weight: weight, bias: bias, m: m, n: n, k: k, outShape: outShape) {
            return out
        }
        let rows = try input.reshape([1, m, k])
        let out = try product(rows, try weight.t().unsqueeze(0), outShape: [1, m, n], outType: outType,
                              addend: try bias.map { try $0.expand([1, m, n]) })
        return try out.view(outShape)
    }

    /// Below this many multiply-adds a float32 linear is a plain loop: a BLAS call and its packing cost
    /// more than the arithmetic (seed_mlp's 2×2 layers, LeNet-5's classifier at batch 2).
    static let directLinearLimit = 4096

    /// The common linear: float32 contiguous input, weight and 1-D bias. The output is written in place
    /// (bias rows, then GEMM with beta 1) without the reshape/transpose/expand views of the general path,
    /// which cost several microseconds a call: more than a small model's whole layer.
    private static func contiguousFloatLinear(_ input: Tensor, weight: Tensor, bias: Tensor?, m: Int, n: Int, k: Int,
                                              outShape: [Int]) -> Tensor? {
        guard input.dtype == .float32, weight.dtype == .float32, input.isContiguous, weight.isContiguous,
              input.storage != nil, weight.storage != nil, m > 0, n > 0 else { return nil }
        if let bias {
            guard bias.dtype == .float32, bias.rank == 1, bias.count == n, bias.isContiguous, bias.storage != nil else { return nil }
        }
        let out = Tensor.empty(outShape, dtype: .float32)
        let y = out.elementPointer(Float.self), x = input.elementPointer(Float.self), w = weight.elementPointer(Float.self)
        if let bias {
            let b = bias.elementPointer(Float.self)
            for i in 0..<m { (y + i * n).update(from: b, count: n) }
        }
        if m <= SmallBatchLinear.maxRows && k > 0 {
            SmallBatchLinear.run(x, w, y, m: m, n: n, k: k, accumulate: bias != nil)
        } else if m * n * k <= directLinearLimit {
            for i in 0..<m {
                for j in 0..<n {
                    var sum: Float = bias == nil ? 0 : y[i * n + j]
                    for p in 0..<k { sum += x[i * k + p] * w[j * k + p] }
                    y[i * n + j] = sum
                }
            }
        } else if k > 0 {
            GEMM.run(m: m, n: n, k: k, BLASMatrix(pointer: x, transposed: false, leadingDimension: k),
                     BLASMatrix(pointer: w, transposed: true, leadingDimension: k), y, ldc: n, beta: bias == nil ? 0 : 1)
        } else if bias == nil {
            y.update(repeating: 0, count: m * n)
        }
        return out
    }

    /// torch.addmm(input, mat1, mat2): `input + mat1 @ mat2` for 2-D matrices, `input` broadcast to the
    /// product's shape and added by GEMM itself (transformers' GPT-2 `Conv1D`).
    static func addmmValues(_ input: Tensor, _ mat1: Tensor, _ mat2: Tensor) throws -> Tensor {
        guard mat1.rank == 2, mat2.rank == 2 else {
            throw TorchError.runtimeError("mat1 must be a matrix, got \(mat1.rank)-D tensor")
        }
        guard mat1.sizes[1] == mat2.sizes[0] else {
            throw TorchError.runtimeError("mat1 and mat2 shapes cannot be multiplied (\(mat1.sizes[0])x\(mat1.sizes[1]) and \(mat2.sizes[0])x\(mat2.sizes[1]))")
        }
        let shape = [mat1.sizes[0], mat2.sizes[1]]
        let outType = TypePromotion.result(TypePromotion.result(mat1.dtype, mat2.dtype), input.dtype)
        let addend = try input.expand(shape)
        if input.isMeta || mat1.isMeta || mat2.isMeta { return Tensor(storage: nil, shape: shape, dtype: outType, device: .meta) }
        return try product(mat1, mat2, outShape: shape, outType: outType, addend: addend)
    }

    /// torch.matmul: 1-D operands become vectors, leading dimensions broadcast as batches.
    func matmulValues(_ other: Tensor) throws -> Tensor {
        guard rank >= 1, other.rank >= 1 else { throw TorchError.runtimeError("both arguments to matmul need to be at least 1D, but they are \(rank)D and \(other.rank)D") }
        let a = rank == 1 ? try unsqueeze(0) : self
        let b = other.rank == 1 ? try other.unsqueeze(1) : other
        let m = a.sizes[a.rank - 2], k = a.sizes[a.rank - 1]
        let k2 = b.sizes[b.rank - 2], n = b.sizes[b.rank - 1]
        guard k == k2 else {
            throw TorchError.runtimeError("mat1 and mat2 shapes cannot be multiplied (\(m)x\(k) and \(k2)x\(n))")
        }
        let batch = try broadcastShapes(Array(a.sizes.dropLast(2)), Array(b.sizes.dropLast(2)))
        let outType = TypePromotion.result(dtype, other.dtype)
        var result: Tensor
        if isMeta || other.isMeta {
            result = Tensor(storage: nil, shape: batch + [m, n], dtype: outType, device: .meta)
        } else {
            result = try Tensor.product(try a.expand(batch + [m, k]), try b.expand(batch + [k, n]),
                                        outShape: batch + [m, n], outType: outType, addend: nil)
        }
        if rank == 1 { result = try result.squeeze(-2) }
        if other.rank == 1 { result = try result.squeeze(-1) }
        return result
    }
}
