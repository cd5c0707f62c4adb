/// torch.randint(low, high, size): integers uniform in [low, high), int64 by default. Drawn like PyTorch's
/// CPU kernel (`random() % range + low`, one 32-bit Mersenne Twister output per element for ranges below
/// 2³²), so a seeded generator gives PyTorch's token ids, e.g. the sample `input_ids` of language models.
extension Tensor {
    public static func randint(_ low: Int, _ high: Int, _ shape: [Int], dtype: DType = .int64, device: Device? = nil,
                               generator: inout MersenneTwister) throws -> Tensor {
        guard high > low else {
            throw TorchError.runtimeError("random_ expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)")
        }
        let t = empty(shape, dtype: dtype, device: device)
        if t.isMeta { return t }
        let range = UInt64(high - low)
        var values = [Double](repeating: 0, count: t.count)
        for i in values.indices {
            let bits = range >= 1 << 32 ? generator.next64() : UInt64(generator.next32())
            values[i] = Double(Int(bits % range) + low)
        }
        t.assign(values)
        return t
    }

    /// The same from the default generator (torch.randint without `generator=`).
    public static func randint(_ low: Int, _ high: Int, _ shape: [Int], dtype: DType = .int64, device: Device? = nil) throws -> Tensor {
        try DefaultGenerator.withGenerator { try randint(low, high, shape, dtype: dtype, device: device, generator: &$0) }
    }
}
