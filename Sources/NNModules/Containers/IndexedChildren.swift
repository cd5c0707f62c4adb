/// What the list-like containers (Sequential, ModuleList) share: Python-style indexing of children and
/// renumbering them `"0".."n-1"` after a deletion or insertion, as PyTorch does.
extension Module {
    /// The position of `idx` (negative counts from the end), or PyTorch's IndexError.
    func childPosition(_ idx: Int) throws -> Int {
        let n = _modules.count
        guard idx >= -n, idx < n else { throw TorchError.indexError("index \(idx) is out of range") }
        return idx < 0 ? idx + n : idx
    }

    /// Replaces the children by `values` under the keys `"0".."n-1"`.
    func setNumberedChildren(_ values: [Module?]) {
        _modules = [:]
        for (i, m) in values.enumerated() { _modules[String(i)] = m }
    }
}
