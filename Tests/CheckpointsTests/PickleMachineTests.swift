import Foundation
import Testing
@testable import Checkpoints

/// Hostile and edge-case pickles: each is refused with a `CheckpointError`, never a crash or a hang.
@Suite struct PickleMachineTests {
    private func run(_ bytes: [UInt8], limits: PickleMachine.Limits = .init()) throws(CheckpointError) -> PickleValue {
        let file = FileBytes(copying: bytes, label: "test.pkl")
        return try PickleMachine.run(file.bytes, file: file.path, source: "test", limits: limits).value
    }

    private func refusal(_ bytes: [UInt8], limits: PickleMachine.Limits = .init()) -> CheckpointError.Kind? {
        #expect(throws: CheckpointError.self) { try run(bytes, limits: limits) }?.kind
    }

    @Test func plainDataRoundTrips() throws {
        // {"a": [1, -2, 3.5, True, None, b"\x01"], 7: ("x",)}
        let bytes: [UInt8] = [0x80, 2, 0x7D, 0x28, 0x55, 1, 0x61, 0x5D, 0x28, 0x4B, 1, 0x4A, 0xFE, 0xFF, 0xFF, 0xFF, 0x47,
                              0x40, 0x0C, 0, 0, 0, 0, 0, 0, 0x88, 0x4E, 0x43, 1, 1, 0x65, 0x4B, 7, 0x55, 1, 0x78, 0x85, 0x75, 0x2E]
        let value = try run(bytes)
        let expected = PickleValue.dict(
            PickleDict(
                entries: [
                    PickleEntry(key: .string("a"), value: .list([.int(1), .int(-2), .float(3.5), .bool(true), .none, .bytes([1])])),
                    PickleEntry(key: .int(7), value: .tuple([.string("x")])),
                ], isOrdered: false, attributes: []))
        #expect(value == expected)
    }

    @Test func refusesGlobalsOutsideTheAllowlistBeforeAnyCall() {
        let bytes: [UInt8] = [0x80, 2] + Array("cposix\nsystem\n".utf8) + [0x55, 2] + Array("ls".utf8) + [0x85, 0x52, 0x2E]
        #expect(refusal(bytes) == .unsupportedGlobal("posix.system"))
    }

    @Test func refusesProtocolFourOpcodesLikeTorch() {
        #expect(refusal([0x80, 4, 0x8C, 1, 0x61, 0x2E]) == .unsupportedOpcode(0x8C))
        #expect(refusal([0x80, 4, 0x93, 0x2E]) == .unsupportedOpcode(0x93))
    }

    @Test func boundsDepthOfNesting() {
        // 10,000 nested one-element tuples: refused at the depth limit instead of overflowing the stack.
        let bytes: [UInt8] = [0x80, 2, 0x29] + [UInt8](repeating: 0x85, count: 10_000) + [0x2E]
        #expect(refusal(bytes) == .limitExceeded)
    }

    @Test func boundsExpansionThroughTheMemo() {
        // t = (); then 64 times t = (t, t): 2^64 leaves if expanded naively.
        var bytes: [UInt8] = [0x80, 2, 0x29]
        for _ in 0..<64 { bytes += [0x71, 0, 0x68, 0, 0x86] }
        bytes.append(0x2E)
        var limits = PickleMachine.Limits()
        limits.maxDepth = 100
        #expect(refusal(bytes, limits: limits) == .limitExceeded)
    }

    @Test func refusesCyclesAndMutationAfterSharing() {
        // l = []; l.append(l)
        #expect(refusal([0x80, 2, 0x5D, 0x71, 0, 0x68, 0, 0x61, 0x2E]) == .malformedPickle)
        // a = []; b = [a]; a.append(1)  (a is frozen once inside b)
        #expect(refusal([0x80, 2, 0x5D, 0x71, 0, 0x5D, 0x68, 0, 0x61, 0x68, 0, 0x4B, 1, 0x61, 0x2E]) == .malformedPickle)
    }

    @Test func refusesTruncatedAndOversizedLengths() {
        #expect(refusal([0x80, 2, 0x58, 0xFF, 0xFF, 0xFF, 0xFF, 0x61]) == .malformedPickle)
        #expect(refusal([0x80, 2, 0x95, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]) == .malformedPickle)
        #expect(refusal([0x80, 2, 0x68, 9, 0x2E]) == .malformedPickle)
        #expect(refusal([0x80, 2, 0x2E]) == .malformedPickle)
        #expect(refusal([0x80, 2, 0x4B]) == .malformedPickle)
    }

    @Test func refusesUnhashableKeys() {
        // {[]: 1}
        #expect(refusal([0x80, 2, 0x7D, 0x5D, 0x4B, 1, 0x73, 0x2E]) == .malformedPickle)
    }
}

@Suite struct TensorRecordTests {
    /// An empty tensor may carry any offset (torch does not bound it); reading it must not form a range from it.
    @Test func emptyViewWithHugeOffsetReadsNothing() throws {
        let file = FileBytes(copying: [UInt8](repeating: 0, count: 8), label: "storage")
        let storage = try #require(StorageRef(id: StorageID(file: file.path, key: "0"), file: file, byteRange: 0..<8))
        let record = try TensorRecord(
            name: "e", dtype: .f32, shape: [0, 3], strides: [3, 1], storageOffset: Int.max / 2, storage: storage,
            requiresGrad: false)
        #expect(record.elementValues().isEmpty)
    }

    @Test func viewsOutsideTheirStorageAreRefused() throws {
        let file = FileBytes(copying: [UInt8](repeating: 0, count: 8), label: "storage")
        let storage = try #require(StorageRef(id: StorageID(file: file.path, key: "0"), file: file, byteRange: 0..<8))
        let error = #expect(throws: CheckpointError.self) {
            try TensorRecord(name: "v", dtype: .f32, shape: [2], strides: [1], storageOffset: 1, storage: storage, requiresGrad: false)
        }
        #expect(error?.kind == .invalidTensor)
    }
}
