/// torch: `masked_fill(mask, value)` — a copy with `value` wherever the (broadcast) boolean mask is true.
extension Tensor {
    func maskedFillValues(_ mask: Tensor, _ value: Double) throws -> Tensor {
        guard mask.dtype == .bool else {
            throw TorchError.runtimeError("masked_fill_ only supports boolean masks, but got mask with dtype \(mask.dtype.rawValue)")
        }
        let shape = try broadcastShapes(sizes, mask.sizes)
        guard shape == sizes else {
            throw TorchError.runtimeError("The size of tensor a (\(sizes.last ?? 0)) must match the size of tensor b (\(mask.sizes.last ?? 0)) at non-singleton dimension \(rank - 1)")
        }
        if isMeta || mask.isMeta { return Tensor(storage: nil, shape: sizes, dtype: dtype, device: .meta) }
        let out = try clone()
        let fill = Tensor(scalar: value, dtype: dtype)
        let runs = StridedRuns(shape: sizes, operands: [try mask.operandLayout(broadcastTo: sizes), (out.strides, 0)])
        let flags = mask.storagePointer(UInt8.self), target = out.rawElementPointer, item = dtype.itemSize
        let source = fill.rawElementPointer
        for run in 0..<runs.runCount {
            let m = runs.offset(0, run: run), o = runs.offset(1, run: run)
            for i in 0..<runs.runLength where flags[m + i * runs.innerStride(0)] != 0 {
                (target + (o + i * runs.innerStride(1)) * item).copyMemory(from: source, byteCount: item)
            }
        }
        return out
    }
}
