import Checkpoints

extension Goldens {
    /// The tensors of a golden safetensors file by name, read with nntop's own checkpoint reader, so golden
    /// tests exercise the reader users get.
    public static func tensors(_ relativePath: String) throws -> [String: TensorRecord] {
        let checkpoint = try Checkpoint.open(url(relativePath))
        return Dictionary(checkpoint.records.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
