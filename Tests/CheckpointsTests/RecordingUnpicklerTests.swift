import Foundation
import Testing
@testable import Checkpoints

/// The object-recording mode of the unpickler: classes are recorded by name with their BUILD state and never
/// instantiated; any other use of a global outside the allowlist is refused with the global named.
@Suite struct RecordingUnpicklerTests {
    private func run(_ bytes: [UInt8], recordsObjects: Bool = true) throws(CheckpointError) -> PickleValue {
        let file = FileBytes(copying: bytes, label: "test.pkl")
        return try PickleMachine.run(file.bytes, file: file.path, source: "test", recordsObjects: recordsObjects).value
    }

    private func global(_ module: String, _ name: String) -> [UInt8] { Array("c\(module)\n\(name)\n".utf8) }

    /// `X <len> <utf8>`.
    private func string(_ text: String) -> [UInt8] {
        [0x58] + withUnsafeBytes(of: UInt32(text.utf8.count).littleEndian, Array.init) + Array(text.utf8)
    }

    @Test func recordsAClassAndItsState() throws {
        // __main__.Net.__new__() with {"training": False, "_non_persistent_buffers_set": set(["b"])}
        let bytes: [UInt8] = [0x80, 2] + global("__main__", "Net") + [0x29, 0x81, 0x7D, 0x28] + string("training") + [0x89]
            + string("_non_persistent_buffers_set") + global("__builtin__", "set") + [0x5D] + string("b") + [0x61, 0x85, 0x52]
            + [0x75, 0x62, 0x2E]
        let value = try run(bytes)
        guard case .object(let object) = value else { Issue.record("not an object: \(value)"); return }
        #expect(object.className == "__main__.Net")
        #expect(object["training"] == .bool(false))
        #expect(object["_non_persistent_buffers_set"] == .list([.string("b")]))
    }

    @Test func referencesToOneObjectShareItsIdentity() throws {
        // (obj, obj) where obj = __main__.Net() built with {}, the second through the memo.
        let bytes: [UInt8] = [0x80, 2] + global("__main__", "Net") + [0x29, 0x81, 0x71, 0, 0x7D, 0x62, 0x68, 0]
            + global("__main__", "Net") + [0x29, 0x81, 0x87, 0x2E]
        guard case .tuple(let items) = try run(bytes), items.count == 3, case .object(let first) = items[0],
            case .object(let again) = items[1], case .object(let other) = items[2]
        else { Issue.record("not three objects"); return }
        #expect(first.id == again.id)
        #expect(first.id != other.id)
    }

    @Test func callingARecordedNameIsRefusedByName() {
        let bytes: [UInt8] = [0x80, 2] + global("posix", "system") + string("ls") + [0x85, 0x52, 0x2E]
        #expect((#expect(throws: CheckpointError.self) { try run(bytes) })?.kind == .unsupportedGlobal("posix.system"))
    }

    @Test func aGlobalLeftAsAValueIsRefusedByName() {
        let bytes: [UInt8] = [0x80, 2] + global("builtins", "eval") + [0x2E]
        #expect((#expect(throws: CheckpointError.self) { try run(bytes) })?.kind == .unsupportedGlobal("builtins.eval"))
    }

    @Test func newObjWithArgumentsIsRefused() {
        let bytes: [UInt8] = [0x80, 2] + global("__main__", "Net") + string("x") + [0x85, 0x81, 0x2E]
        #expect((#expect(throws: CheckpointError.self) { try run(bytes) })?.kind == .malformedPickle)
    }

    @Test func weightsOnlyLoadingStillRefusesObjects() {
        let bytes: [UInt8] = [0x80, 2] + global("__main__", "Net") + [0x29, 0x81, 0x2E]
        #expect((#expect(throws: CheckpointError.self) { try run(bytes, recordsObjects: false) })?.kind == .unsupportedGlobal("__main__.Net"))
    }
}
