import ModelView

/// Every row's qualified name and class name, lowercased once per tree into one byte buffer, so that a search
/// or class-filter keystroke on a 100,000-module tree is a byte scan per row instead of two lowercased string
/// copies and a Foundation substring search.
struct SearchText: Sendable {
    private var bytes: [UInt8] = []
    /// Per row: start of its name, start of its class, end of its class (the name ends where the class starts).
    private var offsets: [Int] = [0]

    init() {}

    init(_ tree: ModelTree) {
        offsets.reserveCapacity(2 * tree.modules.count + 1)
        for module in tree.modules {
            bytes.append(contentsOf: module.name.lowercased().utf8)
            offsets.append(bytes.count)
            bytes.append(contentsOf: module.className.lowercased().utf8)
            offsets.append(bytes.count)
        }
    }

    /// The lowercased bytes a query is matched as.
    static func needle(_ query: String) -> [UInt8] { Array(query.lowercased().utf8) }

    func name(_ row: Int, contains needle: [UInt8]) -> Bool {
        guard 2 * row + 1 < offsets.count else { return false }
        return Self.contains(bytes, offsets[2 * row]..<offsets[2 * row + 1], needle)
    }

    func className(_ row: Int, contains needle: [UInt8]) -> Bool {
        guard 2 * row + 2 < offsets.count else { return false }
        return Self.contains(bytes, offsets[2 * row + 1]..<offsets[2 * row + 2], needle)
    }

    private static func contains(_ haystack: [UInt8], _ range: Range<Int>, _ needle: [UInt8]) -> Bool {
        haystack.withUnsafeBufferPointer { contains(needle, in: UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Whether `needle` occurs in `haystack`: a first-byte scan, fast on short names (also the name regex's
    /// literal search).
    static func contains(_ needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = needle.count, h = haystack.count
        guard n > 0 else { return true }
        guard n <= h else { return false }
        let first = needle[0]
        var i = 0
        while i <= h - n {
            if haystack[i] == first {
                var k = 1
                while k < n && haystack[i + k] == needle[k] { k += 1 }
                if k == n { return true }
            }
            i += 1
        }
        return false
    }
}
