import Foundation

/// torch.UntypedStorage: one contiguous byte buffer that several tensors (views, tied weights) share.
/// Identity matters: `data_ptr` equality and tied-parameter detection compare storages.
public final class Storage: @unchecked Sendable {
    public private(set) var pointer: UnsafeMutableRawPointer
    public let byteCount: Int
    /// Keeps externally owned memory (a memory-mapped checkpoint) alive; `nil` when this storage owns it.
    private var owner: AnyObject?
    private var ownsAllocation: Bool
    private var sharedMapping = false

    /// torch: `is_shared()` — true once `share_memory_()` moved the bytes into a shared mapping.
    public var isShared: Bool { sharedMapping }
    /// The version counter every tensor over this memory shares (torch `_version`): in-place operations
    /// bump it.
    public internal(set) var version = 0

    /// Fresh, uninitialized memory (torch.empty semantics); 64-byte aligned for vector kernels.
    public init(byteCount: Int) {
        self.byteCount = byteCount
        self.pointer = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
        self.ownsAllocation = true
    }

    /// Zero-filled memory.
    public convenience init(zeroedByteCount: Int) {
        self.init(byteCount: zeroedByteCount)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: max(zeroedByteCount, 1))
    }

    /// Wraps memory owned by `owner` (e.g. an mmapped file) without copying.
    public init(borrowing pointer: UnsafeMutableRawPointer, byteCount: Int, owner: AnyObject) {
        self.pointer = pointer
        self.byteCount = byteCount
        self.owner = owner
        self.ownsAllocation = false
    }

    deinit { release() }

    private func release() {
        if sharedMapping {
            munmap(pointer, max(byteCount, 1))
        } else if ownsAllocation {
            pointer.deallocate()
        }
    }

    /// torch: `share_memory_()`. Moves the bytes into an anonymous shared mapping in place, so every
    /// tensor viewing this storage follows.
    public func shareMemory() throws {
        if sharedMapping { return }
        let size = max(byteCount, 1)
        guard let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0),
              mapped != MAP_FAILED else {
            throw TorchError.runtimeError("share_memory_: could not map \(byteCount) bytes of shared memory")
        }
        mapped.copyMemory(from: pointer, byteCount: byteCount)
        release()
        pointer = mapped
        owner = nil
        ownsAllocation = false
        sharedMapping = true
    }
}
