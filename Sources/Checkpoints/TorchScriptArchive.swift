import Foundation

/// Recognizing a `torch.jit.save` archive: a torch zip whose top folder holds `code/` (the compiled
/// Python, which nntop never reads) next to `data.pkl`.
public enum TorchScriptArchive {
    public static func isTorchScriptArchive(_ url: URL) -> Bool {
        guard let bytes = try? FileBytes(contentsOf: url), ZipDirectory.isZip(bytes.bytes),
            let directory = try? ZipDirectory(bytes)
        else { return false }
        let names = directory.entries.map(\.name)
        return names.contains { $0.split(separator: "/").dropFirst().first == "code" }
            && names.contains { $0.hasSuffix("/data.pkl") }
    }
}
