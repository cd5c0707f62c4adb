/// Row-major traversal of up to three strided operands of one shape, as runs along the innermost
/// (collapsed) dimension. Kernels get one call per run with each operand's storage offset and its inner
/// stride, so the per-element work is a plain pointer loop (vectorizable when the strides are 1) while
/// broadcasting (stride 0) and permuted views need no index arithmetic per element.
struct StridedRuns {
    /// The collapsed shape; its last entry is the run length.
    let shape: [Int]
    /// Per operand, strides of `shape` in elements.
    let strides: [[Int]]
    let offsets: [Int]

    /// Merges adjacent dimensions that are contiguous with each other in every operand and drops size-1
    /// dimensions, so a contiguous tensor is one run and `[M, N] + [N]` is M runs of N.
    init(shape: [Int], operands: [(strides: [Int], offset: Int)]) {
        var dims: [Int] = []
        var merged: [[Int]] = operands.map { _ in [] }
        for axis in shape.indices where shape[axis] != 1 {
            let size = shape[axis]
            if let last = dims.last,
               operands.indices.allSatisfy({ merged[$0].last == operands[$0].strides[axis] * size }) {
                dims[dims.count - 1] = last * size
                for i in operands.indices { merged[i][merged[i].count - 1] = operands[i].strides[axis] }
            } else {
                dims.append(size)
                for i in operands.indices { merged[i].append(operands[i].strides[axis]) }
            }
        }
        if dims.isEmpty {
            dims = [1]
            merged = operands.map { _ in [1] }
        }
        self.shape = dims
        self.strides = merged
        self.offsets = operands.map(\.offset)
    }

    var runLength: Int { shape[shape.count - 1] }
    var runCount: Int { shape.dropLast().reduce(1, *) }
    func innerStride(_ operand: Int) -> Int { strides[operand][shape.count - 1] }

    /// Storage offset of operand `operand` at the start of run `run` (row-major over the outer dims).
    @inline(__always)
    func offset(_ operand: Int, run: Int) -> Int {
        var rest = run, result = offsets[operand]
        var axis = shape.count - 2
        let st = strides[operand]
        while axis >= 0 && rest > 0 {
            let size = shape[axis]
            result += (rest % size) * st[axis]
            rest /= size
            axis -= 1
        }
        return result
    }
}

extension StridedRuns {
    /// Offsets of up to three operands (unused ones are 0).
    typealias Offsets = (Int, Int, Int)

    /// Calls `body(offsets, count)` for every run, or for pieces of long runs, spread over the compute
    /// threads once there are `grain` elements per thread. Pieces never overlap, so writers stay disjoint.
    func forEach(grain: Int = 1 << 15, _ body: (Offsets, Int) -> Void) {
        let n = runLength, operands = offsets.count
        func start(_ run: Int) -> Offsets {
            (offset(0, run: run), operands > 1 ? offset(1, run: run) : 0, operands > 2 ? offset(2, run: run) : 0)
        }
        if runCount >= ComputeThreads.count * 4 || n < grain {
            parallelChunks(runCount, grain: max(1, grain / max(n, 1))) { runs in
                for run in runs { body(start(run), n) }
            }
            return
        }
        let s = (innerStride(0), operands > 1 ? innerStride(1) : 0, operands > 2 ? innerStride(2) : 0)
        for run in 0..<runCount {
            let o = start(run)
            parallelChunks(n, grain: grain) { piece in
                let k = piece.lowerBound
                body((o.0 + k * s.0, o.1 + k * s.1, o.2 + k * s.2), piece.count)
            }
        }
    }
}

extension Tensor {
    /// This tensor's layout as an operand of `StridedRuns` over `shape` (which it must broadcast to).
    func operandLayout(broadcastTo shape: [Int]) throws -> (strides: [Int], offset: Int) {
        let view = try expand(shape)
        return (view.strides, view.storageOffset)
    }
}
