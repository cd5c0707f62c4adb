import OrderedCollections

/// torch.nn.Sequential: children called in order, each output feeding the next. Keys are `"0"`, `"1"`...
/// unless built from named pairs; slicing keeps the original keys, deletion renumbers. Open, so a block can
/// subclass it as torchvision's `_DenseLayer(nn.Sequential)` does: its `repr` prints the subclass's name.
open class Sequential: Module {
    public init(_ modules: [Module]) {
        super.init()
        for (i, m) in modules.enumerated() { _modules[String(i)] = .some(m) }
    }

    public convenience init(_ modules: Module...) { self.init(modules) }

    /// torch: `Sequential(OrderedDict([...]))`.
    public init(named modules: [(String, Module)]) throws {
        super.init()
        for (name, m) in modules { try addModule(name, m) }
    }

    public var count: Int { _modules.count }

    /// torch: `seq[idx]` (negative indices allowed) and `seq[idx] = module`.
    public subscript(idx: Int) -> Module? {
        get throws { _modules.values[try childPosition(idx)] }
    }

    public func set(_ idx: Int, _ module: Module) throws {
        let key = _modules.keys[try childPosition(idx)]
        try setAttribute(key, .module(module))
    }

    /// torch: `seq[a:b]` — a new Sequential keeping the original keys.
    public func slice(_ range: Range<Int>) throws -> Sequential {
        let result = Sequential([])
        let n = _modules.count
        let lo = min(max(range.lowerBound, 0), n), hi = min(max(range.upperBound, lo), n)
        for i in lo..<hi { result._modules[_modules.keys[i]] = _modules.values[i] }
        return result
    }

    /// torch: `seq[a:]`.
    public func slice(from start: Int) throws -> Sequential {
        let n = _modules.count
        return try slice((start < 0 ? max(start + n, 0) : start)..<n)
    }

    /// torch: `del seq[idx]` — the remaining keys are renumbered `"0".."n-1"`.
    public func remove(at idx: Int) throws {
        let i = try childPosition(idx)
        _modules.remove(at: i)
        setNumberedChildren(Array(_modules.values))
    }

    /// torch: `append(module)`; the key is `str(len(self))`.
    @discardableResult
    public func append(_ module: Module) throws -> Self {
        try addModule(String(_modules.count), module)
        return self
    }

    /// torch: `insert(index, module)`.
    @discardableResult
    public func insert(_ idx: Int, _ module: Module) throws -> Self {
        let n = _modules.count
        guard abs(idx) <= n else { throw TorchError.indexError("Index out of range: \(idx)") }
        let position = idx < 0 ? idx + n : idx
        var values = Array(_modules.values)
        values.insert(module, at: position)
        setNumberedChildren(values)
        return self
    }

    /// torch: `extend(modules)`.
    @discardableResult
    public func extend(_ modules: [Module]) throws -> Self {
        for m in modules { try append(m) }
        return self
    }

    /// torch: `pop(index)`.
    @discardableResult
    public func pop(_ idx: Int) throws -> Module? {
        let m = try self[idx]
        try remove(at: idx)
        return m
    }

    /// torch: `a + b`.
    public static func + (lhs: Sequential, rhs: Sequential) -> Sequential {
        let result = Sequential([])
        for m in Array(lhs._modules.values) + Array(rhs._modules.values) {
            result._modules[String(result._modules.count)] = m
        }
        return result
    }

    /// torch: `seq * n` — repeats the same module objects.
    public static func * (lhs: Sequential, rhs: Int) -> Sequential {
        let result = Sequential([])
        for _ in 0..<max(rhs, 0) {
            for m in lhs._modules.values { result._modules[String(result._modules.count)] = m }
        }
        return result
    }

    override open func forward(_ args: [Value], kwargs: Kwargs) throws -> Value {
        guard args.count == 1, kwargs.isEmpty else {
            throw TorchError.typeError("Sequential.forward() takes 2 positional arguments but \(args.count + 1) were given")
        }
        var value = args[0]
        for module in _modules.values {
            guard let module else { continue }
            value = try module.call([value])
        }
        return value
    }
}
