import Checkpoints
import Foundation
import NNModules
import ModelView

/// One checkpoint (file, sharded index or folder) as the loaders use it: the tensor list read from the
/// headers, and the tensors themselves — zero-copy views of the mapped files, or, when browsing lazily,
/// `meta` tensors with the checkpoint's shapes and dtypes so no tensor data is ever read.
struct CheckpointWeights {
    let url: URL
    /// Name, shape and dtype of every tensor, in checkpoint order.
    let summaries: [TensorSummary]
    /// Total size of the files holding the tensors.
    let byteCount: Int
    let isLazy: Bool

    /// Reads the headers of `url` and decides, from the files' total size, whether tensor data will be read.
    init(_ url: URL, loading: WeightLoading) throws {
        let summaries = try Checkpoint.listTensors(url)
        var files = Set<String>()
        var bytes = 0
        for file in summaries.map(\.file.path) where files.insert(file).inserted {
            bytes += (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int ?? 0
        }
        self.url = url
        self.summaries = summaries
        self.byteCount = bytes
        self.isLazy = loading.isLazy(checkpointBytes: bytes)
    }

    /// The tensors in checkpoint order: mapped views sharing memory with the files (tied weights and views
    /// share one storage), or meta tensors when lazy.
    func tensors() throws -> [(name: String, tensor: Tensor)] {
        guard isLazy else { return Tensor.fromRecords(try Checkpoint.open(url).records) }
        return try summaries.map { summary in
            guard let storage = StorageDType(rawValue: summary.dtypeName) else {
                throw CheckpointError(file: summary.file.path, kind: .unsupported,
                                      message: "tensor `\(summary.name)` has dtype \(summary.dtypeName), which nntop does not load")
            }
            return (summary.name, Tensor.empty(summary.shape, dtype: DType(loading: storage), device: .meta))
        }
    }

    /// Says that the weights were left unread, and how to read them.
    var lazyNote: String? {
        guard isLazy else { return nil }
        return "weights not read: structure, shapes and dtypes come from the checkpoint's headers (meta device; "
            + "\(Format.bytes(byteCount)) of tensor files; --no-lazy-weights loads them)"
    }
}
