@testable import ExportedModels
import NNModules
import Testing

/// Kernels the goldens do not reach, against nntop's own ops or values worked out by hand.
@Suite struct ATenOpsTests {
    static func call(_ op: String, _ arguments: [(String, OpArguments.Item)]) throws -> [Tensor] {
        let kernel = try #require(ATenOps.kernels[op], "\(op) has no kernel")
        return try kernel(OpArguments(op: op, module: "", names: arguments.map(\.0), items: arguments.map(\.1)))
    }

    @Test func maxPoolWithIndicesReturnsValuesAndPositions() throws {
        let x = Tensor((0..<16).map(Double.init), shape: [1, 1, 4, 4])
        let outputs = try Self.call("aten.max_pool2d_with_indices.default", [("self", .tensor(x)), ("kernel_size", .constant(.ints([2, 2])))])
        #expect(outputs.count == 2)
        #expect(try outputs[0].toDoubles() == [5, 7, 13, 15])
        #expect(try outputs[1].toDoubles() == [5, 7, 13, 15])
    }

    @Test func advancedIndexingReplacesTheIndexedAxes() throws {
        let x = Tensor((0..<12).map(Double.init), shape: [3, 4])
        let rows = Tensor([2, 0], shape: [2], dtype: .int64), columns = Tensor([1], shape: [1], dtype: .int64)
        let out = try Self.call("aten.index.Tensor", [("self", .tensor(x)), ("indices", .tensors([rows, columns]))])
        #expect(out.first?.sizes == [2])
        #expect(try out.first?.toDoubles() == [9, 1])
        let picked = try Self.call("aten.index.Tensor", [("self", .tensor(x)), ("indices", .optionalTensors([nil, columns]))])
        #expect(try picked.first?.toDoubles() == [1, 5, 9])
    }

    @Test func cumsumAndDiffOnIntegers() throws {
        let x = Tensor([1, 0, 1, 1], shape: [1, 4], dtype: .int64)
        #expect(try Self.call("aten.cumsum.default", [("self", .tensor(x)), ("dim", .constant(.int(-1)))]).first?.toDoubles() == [1, 1, 2, 3])
        let diff = try Self.call("aten.diff.default", [("self", .tensor(x)), ("dim", .constant(.int(-1)))])
        #expect(try diff.first?.toDoubles() == [-1, 1, 0])
        #expect(diff.first?.dtype == .int64)
    }

    @Test func inPlaceVariantsWriteIntoSelf() throws {
        let x = Tensor([-1, 2], shape: [2])
        let out = try Self.call("aten.relu_.default", [("self", .tensor(x))])
        #expect(out.first === x)
        #expect(try x.toDoubles() == [0, 2])
        _ = try Self.call("aten.add_.Tensor", [("self", .tensor(x)), ("other", .tensor(Tensor([1, 1], shape: [2])))])
        #expect(try x.toDoubles() == [1, 3])
    }

    @Test func masksAndIntegerDivision() throws {
        let mask = Tensor([1, 0, 1], shape: [3], dtype: .bool)
        #expect(try Self.call("aten.bitwise_not.default", [("self", .tensor(mask))]).first?.toDoubles() == [0, 1, 0])
        let x = Tensor([7, -7], shape: [2], dtype: .int64)
        let floor = try Self.call("aten.div.Tensor_mode", [("self", .tensor(x)), ("other", .constant(.int(2))), ("rounding_mode", .constant(.string("floor")))])
        #expect(try floor.first?.toDoubles() == [3, -4])
        #expect(floor.first?.dtype == .int64)
        let rows = try Self.call("aten.unbind.int", [("self", .tensor(Tensor([1, 2, 3, 4], shape: [2, 2])))])
        #expect(try rows.map { try $0.toDoubles() } == [[1, 2], [3, 4]])
    }

    @Test func rsubAndClamp() throws {
        let x = Tensor([0.5, 2, -3], shape: [3])
        #expect(try Self.call("aten.rsub.Scalar", [("self", .tensor(x)), ("other", .constant(.float(1)))]).first?.toDoubles() == [0.5, -1, 4])
        let clamped = try Self.call("aten.clamp.default", [("self", .tensor(x)), ("min", .constant(.float(-1))), ("max", .constant(.float(1)))])
        #expect(try clamped.first?.toDoubles() == [0.5, 1, -1])
    }
}
