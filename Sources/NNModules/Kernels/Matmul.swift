import COpenBLAS

/// Matrix products through OpenBLAS (sgemm/dgemm). Half and integer inputs compute in float32 and are
/// stored back in their dtype, like PyTorch's CPU kernels accumulate in float.
extension Tensor {
    /// A contiguous tensor of `dtype` holding the same values (self when already so).
    func contiguous(as dtype: DType) throws -> Tensor {
        if self.dtype == dtype && isContiguous { return self }
        let out = Tensor.empty(sizes, dtype: dtype, device: device)
        if !isMeta { out.assign(try toDoubles()) }
        return out
    }

    /// The dtype gemm runs in for an output of `dtype`.
    static func computeType(for dtype: DType) -> DType { dtype == .float64 ? .float64 : .float32 }

    /// C[m×n] = A[m×k] · op(B), where B is [n×k] when `transposeB` (the Linear weight layout) or [k×n].
    static func gemm(_ a: Tensor, _ b: Tensor, m: Int, n: Int, k: Int, transposeB: Bool, outDType: DType) throws -> Tensor {
        let compute = computeType(for: outDType)
        let ac = try a.contiguous(as: compute), bc = try b.contiguous(as: compute)
        let out = Tensor.empty([m, n], dtype: compute)
        guard let ap = ac.storage?.pointer, let bp = bc.storage?.pointer, let cp = out.storage?.pointer else { return out }
        let transB = transposeB ? CblasTrans : CblasNoTrans
        let ldb = Int32(transposeB ? k : n)
        if m > 0 && n > 0 {
            if compute == .float64 {
                cblas_dgemm(CblasRowMajor, CblasNoTrans, transB, Int32(m), Int32(n), Int32(k), 1,
                            ap.assumingMemoryBound(to: Double.self) + ac.storageOffset, Int32(k),
                            bp.assumingMemoryBound(to: Double.self) + bc.storageOffset, ldb, 0,
                            cp.assumingMemoryBound(to: Double.self), Int32(n))
            } else {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, transB, Int32(m), Int32(n), Int32(k), 1,
                            ap.assumingMemoryBound(to: Float.self) + ac.storageOffset, Int32(k),
                            bp.assumingMemoryBound(to: Float.self) + bc.storageOffset, ldb, 0,
                            cp.assumingMemoryBound(to: Float.self), Int32(n))
            }
        }
        return outDType == compute ? out : try out.to(dtype: outDType)
    }

    /// torch.nn.functional.linear: `input @ weight.T + bias` over the last dimension.
    public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        let k = input.sizes.last ?? 1
        let m = input.rank == 0 ? 1 : input.count / max(k, 1)
        guard weight.rank == 2, weight.sizes[1] == k else {
            throw TorchError.runtimeError("mat1 and mat2 shapes cannot be multiplied (\(m)x\(k) and \(weight.sizes.count == 2 ? weight.sizes[1] : weight.count)x\(weight.sizes.first ?? 0))")
        }
        let n = weight.sizes[0]
        let outShape = Array(input.sizes.dropLast()) + [n]
        let outType = TypePromotion.result(input.dtype, weight.dtype)
        if input.isMeta || weight.isMeta {
            return Tensor(storage: nil, shape: outShape, dtype: outType, device: .meta)
        }
        var out = try gemm(input, weight, m: m, n: n, k: k, transposeB: true, outDType: outType).view(outShape)
        if let bias { out = try out + bias }
        return out
    }

    /// torch.matmul for 2-D operands, and batched with a broadcast leading shape.
    public func matmul(_ other: Tensor) throws -> Tensor {
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
        var outShape = batch + [m, n]
        if isMeta || other.isMeta {
            if rank == 1 { outShape.remove(at: outShape.count - 2) }
            if other.rank == 1 { outShape.removeLast() }
            return Tensor(storage: nil, shape: outShape, dtype: outType, device: .meta)
        }
        let ae = try a.expand(batch + [m, k]).reshape([-1, m, k])
        let be = try b.expand(batch + [k, n]).reshape([-1, k, n])
        let count = ae.sizes[0]
        let out = Tensor.empty([count, m, n], dtype: outType)
        for i in 0..<count {
            let c = try Tensor.gemm(try ae.select(0, i), try be.select(0, i), m: m, n: n, k: k, transposeB: false, outDType: outType)
            try out.select(0, i).copy_(c)
        }
        var result = try out.view(batch + [m, n])
        if rank == 1 { result = try result.squeeze(-2) }
        if other.rank == 1 { result = try result.squeeze(-1) }
        return result
    }
}
