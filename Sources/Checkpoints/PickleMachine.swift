/// A pickle virtual machine for weights-only loading, over untrusted bytes.
///
/// It implements the protocol-2 subset `torch.save` emits, with `GLOBAL` restricted to `PickleGlobal`'s
/// allowlist and `REDUCE` only calling those globals' data-building semantics (it never imports or runs
/// anything). Protocol-4 `STACK_GLOBAL`/`SHORT_BINUNICODE` are refused like torch refuses them.
///
/// With `recordsObjects` (whole-model pickles, TorchScript `data.pkl`) it also *records* objects: a class
/// named by `GLOBAL` and instantiated by `NEWOBJ` becomes a `PickledObject` with its qualified name and
/// its `BUILD` state, without importing or calling anything. Such a class name is only usable as `NEWOBJ`'s
/// class: `REDUCE` of it, or leaving it in the result as a value, is refused with the global named exactly
/// as weights-only loading refuses it (`os.system`, `builtins.eval`...).
///
/// Hostile input is bounded: every length is checked against the remaining bytes before reading, memory
/// grows at most linearly with the pickle's size, containers may not nest deeper than `Limits.maxDepth`
/// (so neither conversion nor deallocation can overflow the stack), and the value tree handed back may
/// not exceed `Limits.maxValues` nodes (memo references cannot blow it up exponentially).
public struct PickleMachine {
    public struct Limits: Sendable {
        public var maxDepth = 200
        public var maxValues = 10_000_000
        /// Largest tuple usable as a dict key, in nodes.
        public var maxKeyValues = 1_024

        public init() {}
    }

    public struct Result: Sendable {
        public let value: PickleValue
        /// Index just after the `STOP` opcode (where a following pickle starts).
        public let end: Int
        /// Every storage named by a persistent id, by key (first declaration wins, as in torch).
        public let storages: [String: PickledStorage]
    }

    /// Runs one pickle starting at `start`. `source` names the pickle in errors (`archive/data.pkl`),
    /// `file` is the checkpoint file.
    public static func run(
        _ bytes: UnsafeRawBufferPointer, from start: Int = 0, file: String, source: String, limits: Limits = Limits(),
        recordsObjects: Bool = false
    ) throws(CheckpointError) -> Result {
        var machine = PickleMachine(bytes: bytes, position: start, file: file, source: source, limits: limits)
        machine.recordsObjects = recordsObjects
        let value = try machine.execute()
        return Result(value: value, end: machine.position, storages: machine.storages)
    }

    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private let file: String
    private let source: String
    private let limits: Limits
    private var recordsObjects = false
    private var objectCount = 0
    private var stack: [Node] = []
    private var marks: [Int] = []
    private var memo: [Int: Node] = [:]
    private var storages: [String: PickledStorage] = [:]
    /// Where the current opcode started, for error messages.
    private var opcodeStart = 0

    private init(bytes: UnsafeRawBufferPointer, position: Int, file: String, source: String, limits: Limits) {
        self.bytes = bytes
        self.position = position
        self.file = file
        self.source = source
        self.limits = limits
    }

    // MARK: - Values under construction

    /// Lists and dicts are mutable and shared through the memo, exactly like Python objects; they become
    /// frozen once placed inside another container, so their depth is final and cycles cannot form.
    private final class ListBox {
        var items: [Node] = []
        var depth = 1
        var frozen = false
    }

    private final class DictBox {
        let isOrdered: Bool
        var index: [PickleValue: Int] = [:]
        var entries: [(key: PickleValue, value: Node)] = []
        var attributes: [(key: PickleValue, value: Node)] = []
        var depth = 1
        var frozen = false

        init(isOrdered: Bool) { self.isOrdered = isOrdered }
    }

    private final class TupleBox {
        let items: [Node]
        let depth: Int

        init(_ items: [Node]) {
            self.items = items
            depth = 1 + (items.map(\.depth).max() ?? 0)
        }
    }

    /// An instance made by `NEWOBJ` in recording mode; `BUILD` gives it its `__dict__` once.
    private final class ObjectBox {
        let id: Int
        let className: String
        var state: [(key: PickleValue, value: Node)]?
        var depth = 1
        var frozen = false

        init(id: Int, className: String) {
            self.id = id
            self.className = className
        }
    }

    private enum Node {
        case leaf(PickleValue)
        case tuple(TupleBox)
        case list(ListBox)
        case dict(DictBox)
        case object(ObjectBox)

        var depth: Int {
            switch self {
            case .leaf: 0
            case .tuple(let box): box.depth
            case .list(let box): box.depth
            case .dict(let box): box.depth
            case .object(let box): box.depth
            }
        }
    }

    // MARK: - Errors

    private func malformed(_ problem: String) -> CheckpointError {
        CheckpointError(
            file: file, kind: .malformedPickle, message: "\(source): \(problem) (at byte \(opcodeStart))")
    }

    private func limit(_ problem: String) -> CheckpointError {
        CheckpointError(file: file, kind: .limitExceeded, message: "\(source): \(problem) (at byte \(opcodeStart))")
    }

    // MARK: - Reading

    private mutating func read(_ count: Int) throws(CheckpointError) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - position else {
            throw malformed("truncated: \(count) more bytes needed, \(bytes.count - position) left")
        }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
    }

    private mutating func readUInt8() throws(CheckpointError) -> UInt8 { try read(1)[0] }

    private mutating func readLittleEndian<T: FixedWidthInteger>(_: T.Type) throws(CheckpointError) -> T {
        T(littleEndian: try read(MemoryLayout<T>.size).loadUnaligned(as: T.self))
    }

    private mutating func readLine() throws(CheckpointError) -> String {
        let maxLine = 1_024
        let end = min(bytes.count, position + maxLine)
        guard let newline = bytes[position..<end].firstIndex(of: UInt8(ascii: "\n")) else {
            throw malformed("GLOBAL name without a newline within \(maxLine) bytes")
        }
        let line = try utf8(try read(newline - position))
        position += 1
        return line
    }

    private func utf8(_ raw: UnsafeRawBufferPointer) throws(CheckpointError) -> String {
        guard let text = String(validating: raw, as: UTF8.self) else { throw malformed("string is not valid UTF-8") }
        return text
    }

    // MARK: - Stack

    private mutating func pop() throws(CheckpointError) -> Node {
        try pop(count: 1)[0]
    }

    /// The top `count` items, bottom first; never reaching below the innermost MARK.
    private mutating func pop(count: Int) throws(CheckpointError) -> [Node] {
        guard stack.count - count >= (marks.last ?? 0) else { throw malformed("stack underflow") }
        let items = Array(stack.suffix(count))
        stack.removeLast(count)
        return items
    }

    private mutating func popToMark() throws(CheckpointError) -> [Node] {
        guard let mark = marks.popLast() else { throw malformed("no MARK on the stack") }
        // Pops never go below the innermost mark, so this holds; it is checked because without it Swift 6.3.1's
        // optimizer miscompiled this slice copy (release-only heap corruption found by the fuzzer).
        guard mark <= stack.count else { throw malformed("MARK beyond the stack") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private mutating func push(_ node: Node) { stack.append(node) }

    /// Marks a container as placed inside another one and checks the nesting limit.
    private func contain(_ child: Node, depth: Int) throws(CheckpointError) {
        guard depth <= limits.maxDepth else { throw limit("containers nest deeper than \(limits.maxDepth)") }
        switch child {
        case .list(let box): box.frozen = true
        case .dict(let box): box.frozen = true
        case .object(let box): box.frozen = true
        case .leaf, .tuple: break
        }
    }

    private func makeTuple(_ items: [Node]) throws(CheckpointError) -> Node {
        let box = TupleBox(items)
        for item in items { try contain(item, depth: box.depth) }
        return .tuple(box)
    }

    // MARK: - The machine

    private mutating func execute() throws(CheckpointError) -> PickleValue {
        while true {
            opcodeStart = position
            let opcode = try readUInt8()
            switch opcode {
            case 0x80:  // PROTO
                let version = try readUInt8()
                guard version <= 5 else { throw malformed("unsupported pickle protocol \(version)") }
            case 0x95:  // FRAME: framing is only a read-ahead hint
                let length = try readLittleEndian(UInt64.self)
                guard length <= UInt64(bytes.count - position) else { throw malformed("FRAME longer than the data") }
            case UInt8(ascii: "."):  // STOP
                let result = try pop()
                var budget = limits.maxValues
                return try convert(result, budget: &budget, hashable: false)
            case UInt8(ascii: "c"):  // GLOBAL
                let module = try readLine()
                let name = try readLine()
                try global(module: module, name: name)
            case UInt8(ascii: "Q"):  // BINPERSID
                let storage = try persistentStorage(try pop())
                if storages[storage.key] == nil { storages[storage.key] = storage }
                push(.leaf(.storage(storage)))
            case 0x81 where recordsObjects:  // NEWOBJ: recorded, never instantiated
                let arguments = try pop()
                push(try newObject(try pop(), arguments))
            case UInt8(ascii: "R"):  // REDUCE
                let arguments = try pop()
                let callable = try pop()
                push(try reduce(callable, arguments))
            case UInt8(ascii: "b"):  // BUILD
                let state = try pop()
                try build(target: try top(), state: state)
            case UInt8(ascii: "("):  // MARK
                marks.append(stack.count)
            case UInt8(ascii: "0"):  // POP
                _ = try pop()
            case UInt8(ascii: "1"):  // POP_MARK
                _ = try popToMark()
            case UInt8(ascii: ")"):  // EMPTY_TUPLE
                push(try makeTuple([]))
            case UInt8(ascii: "t"):  // TUPLE
                push(try makeTuple(try popToMark()))
            case 0x85, 0x86, 0x87:  // TUPLE1..3
                push(try makeTuple(try pop(count: Int(opcode - 0x84))))
            case UInt8(ascii: "]"):  // EMPTY_LIST
                push(.list(ListBox()))
            case UInt8(ascii: "}"):  // EMPTY_DICT
                push(.dict(DictBox(isOrdered: false)))
            case UInt8(ascii: "a"):  // APPEND
                let item = try pop()
                try append([item], to: try top())
            case UInt8(ascii: "e"):  // APPENDS
                let items = try popToMark()
                try append(items, to: try top())
            case UInt8(ascii: "s"):  // SETITEM
                let value = try pop()
                let key = try pop()
                try setItems([(key, value)], in: try top())
            case UInt8(ascii: "u"):  // SETITEMS
                let items = try popToMark()
                guard items.count % 2 == 0 else { throw malformed("SETITEMS with an odd number of items") }
                try setItems(stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) }, in: try top())
            case UInt8(ascii: "N"): push(.leaf(.none))
            case 0x88: push(.leaf(.bool(true)))  // NEWTRUE
            case 0x89: push(.leaf(.bool(false)))  // NEWFALSE
            case UInt8(ascii: "J"): push(.leaf(.int(Int(try readLittleEndian(Int32.self)))))  // BININT
            case UInt8(ascii: "K"): push(.leaf(.int(Int(try readUInt8()))))  // BININT1
            case UInt8(ascii: "M"): push(.leaf(.int(Int(try readLittleEndian(UInt16.self)))))  // BININT2
            case 0x8A:  // LONG1
                push(.leaf(Self.long(try read(Int(try readUInt8())))))
            case UInt8(ascii: "G"):  // BINFLOAT (big-endian)
                push(.leaf(.float(Double(bitPattern: UInt64(bigEndian: try read(8).loadUnaligned(as: UInt64.self))))))
            case UInt8(ascii: "X"):  // BINUNICODE
                push(.leaf(.string(try utf8(try read(Int(try readLittleEndian(UInt32.self)))))))
            case UInt8(ascii: "T"):  // BINSTRING (Python 2 str, decoded as UTF-8 like torch.load does)
                push(.leaf(.string(try utf8(try read(Int(try readLittleEndian(Int32.self)))))))
            case UInt8(ascii: "U"):  // SHORT_BINSTRING
                push(.leaf(.string(try utf8(try read(Int(try readUInt8()))))))
            case UInt8(ascii: "B"):  // BINBYTES
                push(.leaf(.bytes(Array(try read(Int(try readLittleEndian(UInt32.self)))))))
            case UInt8(ascii: "C"):  // SHORT_BINBYTES
                push(.leaf(.bytes(Array(try read(Int(try readUInt8()))))))
            case UInt8(ascii: "h"): try push(recall(Int(try readUInt8())))  // BINGET
            case UInt8(ascii: "j"): try push(recall(Int(try readLittleEndian(UInt32.self))))  // LONG_BINGET
            case UInt8(ascii: "q"): memo[Int(try readUInt8())] = try top()  // BINPUT
            case UInt8(ascii: "r"): memo[Int(try readLittleEndian(UInt32.self))] = try top()  // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()  // MEMOIZE
            default:
                throw CheckpointError(
                    file: file, kind: .unsupportedOpcode(opcode),
                    message: "\(source): unsupported pickle opcode \(opcode)\(Self.opcodeName(opcode)) at byte \(opcodeStart): "
                        + "weights-only loading does not implement it (torch: \"Unsupported operand \(opcode)\"); nothing was executed")
            }
        }
    }

    private static func opcodeName(_ opcode: UInt8) -> String {
        let names: [UInt8: String] = [
            0x93: "STACK_GLOBAL", 0x8C: "SHORT_BINUNICODE", 0x81: "NEWOBJ", 0x92: "NEWOBJ_EX", 0x8D: "BINUNICODE8",
            0x8E: "BINBYTES8", 0x8F: "EMPTY_SET", 0x90: "ADDITEMS", 0x91: "FROZENSET", 0x96: "BYTEARRAY8",
            0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER", UInt8(ascii: "i"): "INST", UInt8(ascii: "o"): "OBJ",
            UInt8(ascii: "P"): "PERSID", UInt8(ascii: "2"): "DUP", UInt8(ascii: "S"): "STRING",
            UInt8(ascii: "V"): "UNICODE", UInt8(ascii: "I"): "INT", UInt8(ascii: "L"): "LONG", UInt8(ascii: "F"): "FLOAT",
            0x8B: "LONG4", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4",
        ]
        return names[opcode].map { " (\($0))" } ?? ""
    }

    private func top() throws(CheckpointError) -> Node {
        guard let top = stack.last, stack.count > (marks.last ?? 0) else { throw malformed("stack underflow") }
        return top
    }

    private func recall(_ index: Int) throws(CheckpointError) -> Node {
        guard let node = memo[index] else { throw malformed("memo entry \(index) was never stored") }
        return node
    }

    /// LONG1's little-endian two's complement.
    private static func long(_ raw: UnsafeRawBufferPointer) -> PickleValue {
        guard raw.count <= 8 else { return .bigInt(Array(raw)) }
        guard let last = raw.last else { return .int(0) }
        var value: UInt64 = last & 0x80 == 0 ? 0 : ~0
        for byte in raw.reversed() { value = value << 8 | UInt64(byte) }
        return .int(Int(truncatingIfNeeded: value))
    }

    private mutating func global(module: String, name: String) throws(CheckpointError) {
        switch PickleGlobal.resolve(module: module, name: name) {
        case .allowed:
            push(.leaf(.global(module: module, name: name)))
        case .unsupportedType:
            throw CheckpointError(
                file: file, kind: .unsupported,
                message: "\(source): \(module).\(name) is a torch type nntop has no dtype for (at byte \(opcodeStart))")
        case .refused where recordsObjects:
            // A class to record, if NEWOBJ instantiates it; refused if anything else uses it.
            push(.leaf(.global(module: module, name: name)))
        case .refused:
            throw refusal(module: module, name: name)
        }
    }

    private func refusal(module: String, name: String) -> CheckpointError {
        CheckpointError(
            file: file, kind: .unsupportedGlobal("\(module).\(name)"),
            message: "\(source): unsupported global: \(module).\(name) (weights-only loading refuses it; nothing was executed)")
    }

    /// Whether `value` is a global outside the allowlist (a recorded class name), and its name.
    private static func recordedClass(_ value: PickleValue) -> (module: String, name: String)? {
        guard case .global(let module, let name) = value, case .refused = PickleGlobal.resolve(module: module, name: name)
        else { return nil }
        return (module, name)
    }

    /// NEWOBJ `cls.__new__(cls)`: only recorded. Module classes take no `__new__` arguments.
    private mutating func newObject(_ callable: Node, _ arguments: Node) throws(CheckpointError) -> Node {
        guard case .leaf(let value) = callable, let (module, name) = Self.recordedClass(value) else {
            throw malformed("NEWOBJ of something that is not a class name")
        }
        guard case .tuple(let box) = arguments, box.items.isEmpty else {
            throw malformed("NEWOBJ of \(module).\(name) with arguments (only argument-free classes are recorded)")
        }
        objectCount += 1
        return .object(ObjectBox(id: objectCount, className: "\(module).\(name)"))
    }

    // MARK: - Container mutation

    private func append(_ items: [Node], to target: Node) throws(CheckpointError) {
        guard case .list(let box) = target else { throw malformed("APPEND to something that is not a list") }
        guard !box.frozen else { throw malformed("list mutated after being placed in another container") }
        for item in items {
            if case .list(let child) = item, child === box { throw malformed("list appended to itself") }
            box.depth = max(box.depth, item.depth + 1)
            try contain(item, depth: box.depth)
            box.items.append(item)
        }
    }

    private func setItems(_ pairs: [(Node, Node)], in target: Node) throws(CheckpointError) {
        guard case .dict(let box) = target else { throw malformed("SETITEM on something that is not a dict") }
        guard !box.frozen else { throw malformed("dict mutated after being placed in another container") }
        for (keyNode, value) in pairs {
            if case .dict(let child) = value, child === box { throw malformed("dict stored in itself") }
            let key = try hashableKey(keyNode)
            box.depth = max(box.depth, value.depth + 1, keyNode.depth + 1)
            try contain(value, depth: box.depth)
            if let existing = box.index[key] {
                box.entries[existing].value = value
            } else {
                box.index[key] = box.entries.count
                box.entries.append((key, value))
            }
        }
    }

    private func hashableKey(_ node: Node) throws(CheckpointError) -> PickleValue {
        var budget = limits.maxKeyValues
        return try convert(node, budget: &budget, hashable: true)
    }

    /// BUILD: only `OrderedDict.__dict__.update(state)` is meaningful in a state dict (`_metadata`).
    private func build(target: Node, state: Node) throws(CheckpointError) {
        if case .object(let object) = target {
            guard case .dict(let stateBox) = state else { throw malformed("BUILD state of \(object.className) is not a dict") }
            guard object.state == nil, !object.frozen else { throw malformed("\(object.className) built twice") }
            object.depth = max(object.depth, stateBox.depth + 1)
            try contain(state, depth: object.depth)
            object.state = stateBox.entries
            return
        }
        guard case .dict(let box) = target, box.isOrdered else {
            throw malformed("BUILD is only supported on an OrderedDict")
        }
        guard case .dict(let stateBox) = state else { throw malformed("BUILD state is not a dict") }
        guard !box.frozen else { throw malformed("dict mutated after being placed in another container") }
        box.depth = max(box.depth, stateBox.depth + 1)
        try contain(state, depth: box.depth)
        box.attributes.append(contentsOf: stateBox.entries)
    }

    // MARK: - Calls

    private func reduce(_ callable: Node, _ arguments: Node) throws(CheckpointError) -> Node {
        if recordsObjects, case .leaf(let value) = callable, let (module, name) = Self.recordedClass(value) {
            // `_non_persistent_buffers_set` is the one call a module's state needs: `set(list)`, kept as a list.
            guard (module == "__builtin__" || module == "builtins") && name == "set" else {
                throw refusal(module: module, name: name)
            }
            guard case .tuple(let box) = arguments, box.items.count <= 1 else { throw malformed("set() takes one list") }
            guard let items = box.items.first else { return .list(ListBox()) }
            guard case .list = items else { throw malformed("set() of something that is not a list") }
            return items
        }
        guard case .leaf(.global(let module, let name)) = callable,
            case .allowed(let global) = PickleGlobal.resolve(module: module, name: name)
        else { throw malformed("REDUCE of something that is not an allowed global") }
        guard case .tuple(let argumentBox) = arguments else { throw malformed("REDUCE arguments are not a tuple") }
        let args = argumentBox.items
        switch global {
        case .orderedDict:
            guard args.isEmpty else { throw malformed("OrderedDict called with arguments") }
            return .dict(DictBox(isOrdered: true))
        case .torchSize:
            guard args.count <= 1 else { throw malformed("torch.Size takes one tuple") }
            let sizes = try args.first.map { node throws(CheckpointError) in try integers(node, "torch.Size") } ?? []
            return try makeTuple(sizes.map { .leaf(.int($0)) })
        case .codecsEncode:
            return .leaf(.bytes(try encode(args)))
        case .rebuildTensorV2, .rebuildTensorV3:
            return .leaf(.tensor(try rebuildTensor(args, explicitDType: global == .rebuildTensorV3)))
        case .rebuildParameter, .rebuildParameterWithState:
            guard args.count == (global == .rebuildParameter ? 3 : 4), case .leaf(.tensor(let data)) = args[0],
                case .leaf(.bool(let requiresGrad)) = args[1]
            else { throw malformed("\(name) expects (tensor, requires_grad, backward_hooks)") }
            return .leaf(
                .tensor(
                    PickledTensor(
                        storage: data.storage, dtype: data.dtype, storageOffset: data.storageOffset, shape: data.shape,
                        strides: data.strides, requiresGrad: requiresGrad, isParameter: true)))
        case .storageType, .dtype:
            throw malformed("\(module).\(name) cannot be called in weights-only loading")
        }
    }

    private func integers(_ node: Node, _ what: String) throws(CheckpointError) -> [Int] {
        guard case .tuple(let box) = node else { throw malformed("\(what) is not a tuple") }
        var result: [Int] = []
        for item in box.items {
            guard case .leaf(.int(let value)) = item else { throw malformed("\(what) holds a non-integer") }
            result.append(value)
        }
        return result
    }

    private func encode(_ args: [Node]) throws(CheckpointError) -> [UInt8] {
        guard args.count == 2, case .leaf(.string(let text)) = args[0], case .leaf(.string(let encoding)) = args[1]
        else { throw malformed("_codecs.encode expects (str, encoding)") }
        switch encoding.lowercased() {
        case "latin1", "latin-1", "iso-8859-1":
            var result: [UInt8] = []
            for scalar in text.unicodeScalars {
                guard scalar.value < 256 else { throw malformed("_codecs.encode: character outside latin-1") }
                result.append(UInt8(scalar.value))
            }
            return result
        case "utf-8", "utf8":
            return Array(text.utf8)
        default:
            throw malformed("_codecs.encode: unsupported encoding \(encoding)")
        }
    }

    /// `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata])` or
    /// `_v3(..., backward_hooks, dtype[, metadata])`.
    private func rebuildTensor(_ args: [Node], explicitDType: Bool) throws(CheckpointError) -> PickledTensor {
        let minimum = explicitDType ? 7 : 6
        guard args.count == minimum || args.count == minimum + 1 else {
            throw malformed("tensor rebuild called with \(args.count) arguments")
        }
        guard case .leaf(.storage(let storage)) = args[0] else { throw malformed("tensor rebuild without a storage") }
        guard case .leaf(.int(let offset)) = args[1] else { throw malformed("tensor storage offset is not an integer") }
        let shape = try integers(args[2], "tensor size")
        let strides = try integers(args[3], "tensor stride")
        guard case .leaf(.bool(let requiresGrad)) = args[4] else { throw malformed("requires_grad is not a bool") }
        var dtype = storage.dtype
        if explicitDType {
            guard case .leaf(.global(let module, let name)) = args[6],
                case .allowed(.dtype(let explicit)) = PickleGlobal.resolve(module: module, name: name)
            else { throw malformed("_rebuild_tensor_v3 without a dtype") }
            dtype = explicit
        }
        return PickledTensor(
            storage: storage, dtype: dtype, storageOffset: offset, shape: shape, strides: strides,
            requiresGrad: requiresGrad, isParameter: false)
    }

    /// `('storage', StorageType, key, location, numel[, view_metadata])`.
    private func persistentStorage(_ pid: Node) throws(CheckpointError) -> PickledStorage {
        guard case .tuple(let box) = pid, box.items.count == 5 || box.items.count == 6,
            case .leaf(.string("storage")) = box.items[0],
            case .leaf(.global(let module, let name)) = box.items[1],
            case .allowed(.storageType(let dtype)) = PickleGlobal.resolve(module: module, name: name),
            case .leaf(.string(let key)) = box.items[2],
            case .leaf(.string(let location)) = box.items[3],
            case .leaf(.int(let count)) = box.items[4]
        else { throw malformed("persistent id is not a ('storage', type, key, location, numel) tuple") }
        if box.items.count == 6, case .leaf(.none) = box.items[5] {} else if box.items.count == 6 {
            throw CheckpointError(
                file: file, kind: .unsupported, message: "\(source): legacy storage views are not supported (storage \(key))")
        }
        guard count >= 0, !count.multipliedReportingOverflow(by: dtype.elementSize).overflow else {
            throw malformed("storage \(key) has an invalid element count \(count)")
        }
        return PickledStorage(key: key, dtype: dtype, elementCount: count, location: location)
    }

    // MARK: - Result

    /// The value tree of `node`, charging each produced node to `budget`; `hashable` refuses mutable
    /// containers (dict keys).
    private func convert(_ node: Node, budget: inout Int, hashable: Bool) throws(CheckpointError) -> PickleValue {
        budget -= 1
        guard budget >= 0 else {
            throw limit(hashable ? "dict key too large" : "pickle expands to more than \(limits.maxValues) values")
        }
        switch node {
        case .leaf(let value):
            if recordsObjects, let (module, name) = Self.recordedClass(value) { throw refusal(module: module, name: name) }
            return value
        case .object(let box):
            guard !hashable else { throw malformed("unhashable dict key (object)") }
            var state: [PickleEntry] = []
            for (key, value) in box.state ?? [] {
                state.append(PickleEntry(key: key, value: try convert(value, budget: &budget, hashable: false)))
            }
            return .object(PickledObject(id: box.id, className: box.className, state: state))
        case .tuple(let box):
            var items: [PickleValue] = []
            items.reserveCapacity(box.items.count)
            for item in box.items { items.append(try convert(item, budget: &budget, hashable: hashable)) }
            return .tuple(items)
        case .list(let box):
            guard !hashable else { throw malformed("unhashable dict key (list)") }
            var items: [PickleValue] = []
            items.reserveCapacity(box.items.count)
            for item in box.items { items.append(try convert(item, budget: &budget, hashable: false)) }
            return .list(items)
        case .dict(let box):
            guard !hashable else { throw malformed("unhashable dict key (dict)") }
            var entries: [PickleEntry] = []
            entries.reserveCapacity(box.entries.count)
            for (key, value) in box.entries {
                entries.append(PickleEntry(key: key, value: try convert(value, budget: &budget, hashable: false)))
            }
            var attributes: [PickleEntry] = []
            for (key, value) in box.attributes {
                attributes.append(PickleEntry(key: key, value: try convert(value, budget: &budget, hashable: false)))
            }
            return .dict(PickleDict(entries: entries, isOrdered: box.isOrdered, attributes: attributes))
        }
    }
}
