import Checkpoints
import NNModules

/// Runs an exported graph on nntop's kernels. The graph is compiled once: every value gets a slot, every
/// node its kernel (or none: an op nntop lacks is an error when reached, so the tree stays usable), and the
/// nodes are grouped by their `nn_module_stack` into nested module regions. A run walks the regions and
/// calls each module's forward hooks around its nodes (`Module.callHooks`), with the values from outside
/// the region as arguments and the values it produces for later nodes as the output.
///
/// Symbolic integers (sizes of dynamic dimensions, `sym_size` results) are graph values like tensors,
/// held as 0-d int64 tensors. The graph runs in the caller's grad mode, so a training step records it; an
/// op whose kernel has no derivative then refuses inputs that require grad, naming itself.
final class GraphInterpreter {
    private enum Operand {
        case slot(Int)
        case slots([Int])
        case optionalSlots([Int?])
        /// A list of integers some of which are graph values (`as_sym_ints`).
        case sizes([SizeOperand])
        case constant(ExportedArgument)
    }

    private enum SizeOperand {
        case int(Int)
        case slot(Int)
    }

    private struct Step {
        let op: String
        let module: String
        let kernel: ATenOps.Kernel?
        let names: [String]
        let operands: [Operand]
        /// Slot of each tensor the kernel returns, in order.
        let outputs: [Int]
        /// Slots whose last reader is this step, freed after it.
        var releases: [Int] = []
    }

    private indirect enum Segment {
        case step(Int)
        case module(Module, inputs: [Int], outputs: [Int], children: [Segment])
    }

    private final class Environment {
        var values: [Tensor?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
    }

    private var slots: [String: Int] = [:]
    private var steps: [Step] = []
    private var segments: [Segment] = []
    private let frames: [[ExportedModuleFrame]]
    private let constants: [(slot: Int, tensor: Tensor)]
    private let inputSlots: [Int]
    private let outputSlots: [Int]
    /// New values of buffers the graph updates (`buffer_mutation` outputs: BatchNorm's running statistics
    /// in a graph exported in training mode), written back into the buffers after each run.
    private let mutations: [(slot: Int, buffer: Tensor)]
    /// Placeholder names of the user inputs, in order.
    let userInputNames: [String]
    /// Each user input's recorded sizes: an integer for a static dimension, nil for a dynamic one.
    private let inputSizes: [[Int?]?]

    init(program: ExportedProgram, placeholders: [String: Tensor], kernels: [String: ATenOps.Kernel]) throws {
        var slots: [String: Int] = [:]
        func slot(_ name: String) -> Int {
            if let known = slots[name] { return known }
            slots[name] = slots.count
            return slots.count - 1
        }
        constants = placeholders.map { (slot($0.key), $0.value) }
        userInputNames = program.inputSpecs.compactMap { spec in
            guard spec.kind == .userInput, case .tensor(let name) = spec.argument else { return nil }
            return name
        }
        inputSlots = userInputNames.map(slot)
        inputSizes = userInputNames.map { name in
            program.tensorValues[name].map { meta in
                meta.sizes.map { size in if case .int(let value) = size { value } else { nil } }
            }
        }
        var steps: [Step] = []
        var frames: [[ExportedModuleFrame]] = []
        for node in program.nodes {
            let operands = node.inputs.map { input -> Operand in
                switch input.argument {
                case .tensor(let name), .symInt(.name(let name)): return .slot(slot(name))
                case .tensors(let names): return .slots(names.map(slot))
                case .optionalTensors(let names): return .optionalSlots(names.map { $0.map(slot) })
                case .symInts(let sizes) where sizes.contains(where: { if case .name = $0 { true } else { false } }):
                    return .sizes(sizes.map { size in
                        switch size {
                        case .int(let value): .int(value)
                        case .name(let name): .slot(slot(name))
                        }
                    })
                default: return .constant(input.argument)
                }
            }
            var outputs: [Int] = []
            for output in node.outputs {
                switch output {
                case .tensor(let name), .symInt(.name(let name)): outputs.append(slot(name))
                case .tensors(let names): outputs += names.map(slot)
                case .none: continue
                default:
                    throw ExportedModelError.unsupportedOp(
                        op: node.opName, module: node.moduleStack.last?.path ?? "", detail: "it returns \(output), not tensors")
                }
            }
            // The root's own frame adds no region: its forward is the whole graph.
            frames.append(Array(node.moduleStack.drop { $0.path.isEmpty }))
            steps.append(
                Step(
                    op: node.opName, module: node.moduleStack.last?.path ?? "", kernel: kernels[node.opName],
                    names: node.inputs.map(\.name), operands: operands, outputs: outputs))
        }
        let userOutputs = program.outputSpecs.filter { $0.kind == "user_output" }
        outputSlots = try userOutputs.map { spec in
            guard case .tensor(let name) = spec.argument, let known = slots[name] else {
                throw ExportedModelError.invalid("output \(spec.argument) is not a tensor the graph computes")
            }
            return known
        }
        mutations = try program.outputSpecs.filter { $0.kind == "buffer_mutation" }.map { spec in
            let input = program.inputSpecs.first { $0.target == spec.target && $0.kind != .parameter }
            guard case .tensor(let name) = spec.argument, let slot = slots[name], case .tensor(let placeholder)? = input?.argument,
                let buffer = placeholders[placeholder]
            else { throw ExportedModelError.invalid("buffer mutation of `\(spec.target ?? "?")` names no buffer and value") }
            return (slot, buffer)
        }
        // Free each intermediate value after its last reader (never inputs, constants or outputs).
        var lastReader: [Int: Int] = [:]
        for (index, step) in steps.enumerated() {
            for slot in Self.reads(step.operands) { lastReader[slot] = index }
        }
        let kept = Set(outputSlots + inputSlots + constants.map(\.slot) + mutations.map(\.slot))
        for (slot, index) in lastReader where !kept.contains(slot) { steps[index].releases.append(slot) }
        self.slots = slots
        self.steps = steps
        self.frames = frames
    }

    private static func reads(_ operands: [Operand]) -> [Int] {
        operands.flatMap { operand -> [Int] in
            switch operand {
            case .slot(let slot): return [slot]
            case .slots(let slots): return slots
            case .optionalSlots(let slots): return slots.compactMap { $0 }
            case .sizes(let sizes): return sizes.compactMap { if case .slot(let slot) = $0 { slot } else { nil } }
            case .constant: return []
            }
        }
    }

    /// Groups the steps into module regions of `root`'s submodules (by qualified name).
    func attach(to root: Module) throws {
        var readers: [Int: [Int]] = [:]
        for (index, step) in steps.enumerated() {
            for slot in Self.reads(step.operands) { readers[slot, default: []].append(index) }
        }
        let parameters = Set(constants.map(\.slot))
        let graphOutputs = Set(outputSlots)
        func regions(_ range: Range<Int>, depth: Int) throws -> [Segment] {
            var result: [Segment] = []
            var index = range.lowerBound
            while index < range.upperBound {
                guard depth < frames[index].count else {
                    result.append(.step(index))
                    index += 1
                    continue
                }
                let frame = frames[index][depth]
                var end = index + 1
                while end < range.upperBound, depth < frames[end].count, frames[end][depth] == frame { end += 1 }
                let inside = index..<end
                var inputs: [Int] = []
                var outputs: [Int] = []
                var written = Set<Int>()
                for step in inside {
                    for slot in Self.reads(steps[step].operands)
                    where !written.contains(slot) && !parameters.contains(slot) && !inputs.contains(slot) {
                        inputs.append(slot)
                    }
                    for slot in steps[step].outputs {
                        written.insert(slot)
                        if graphOutputs.contains(slot) || (readers[slot] ?? []).contains(where: { !inside.contains($0) }) {
                            outputs.append(slot)
                        }
                    }
                }
                let module = try root.getSubmodule(frame.path)
                result.append(.module(module, inputs: inputs, outputs: outputs, children: try regions(inside, depth: depth + 1)))
                index = end
            }
            return result
        }
        segments = try regions(0..<steps.count, depth: 0)
    }

    /// Runs the graph on the user inputs; returns the user outputs in order.
    func run(_ inputs: [Tensor]) throws -> [Tensor] {
        guard inputs.count == inputSlots.count else {
            throw ExportedModelError.invalid("the graph takes \(inputSlots.count) inputs, \(inputs.count) given")
        }
        for (name, (tensor, sizes)) in zip(userInputNames, zip(inputs, inputSizes)) {
            guard let sizes else { continue }
            let fits = sizes.count == tensor.rank && zip(sizes, tensor.sizes).allSatisfy { $0 == nil || $0 == $1 }
            guard fits else {
                let recorded = "[" + sizes.map { $0.map(String.init) ?? "*" }.joined(separator: ", ") + "]"
                throw ExportedModelError.invalid(
                    "input `\(name)` has shape \(tensor.sizes), but the graph was exported for \(recorded) (only dimensions exported as dynamic may change)")
            }
        }
        let environment = Environment(count: slots.count)
        for (slot, tensor) in constants { environment.values[slot] = tensor }
        for (slot, tensor) in zip(inputSlots, inputs) { environment.values[slot] = tensor }
        try run(segments, environment)
        for (slot, buffer) in mutations {
            guard let value = environment.values[slot] else { throw ExportedModelError.invalid("a buffer update was never computed") }
            _ = try GradMode.noGrad { try buffer.copy_(value) }
        }
        return try outputSlots.map { slot in
            guard let tensor = environment.values[slot] else { throw ExportedModelError.invalid("an output was never computed") }
            return tensor
        }
    }

    private func run(_ segments: [Segment], _ environment: Environment) throws {
        for segment in segments {
            switch segment {
            case .step(let index):
                try execute(steps[index], environment)
            case .module(let module, let inputs, let outputs, let children):
                let arguments = inputs.compactMap { environment.values[$0] }.map(Value.tensor)
                _ = try module.callHooks(arguments) { _ in
                    try run(children, environment)
                    let produced = outputs.compactMap { environment.values[$0] }
                    return produced.count == 1 ? .tensor(produced[0]) : .tuple(produced.map(Value.tensor))
                }
            }
        }
    }

    private func execute(_ step: Step, _ environment: Environment) throws {
        guard let kernel = step.kernel else {
            throw ExportedModelError.unsupportedOp(op: step.op, module: step.module, detail: "")
        }
        func value(_ slot: Int) throws -> Tensor {
            guard let tensor = environment.values[slot] else {
                throw ExportedModelError.invalid("\(step.op) reads a value that was never computed")
            }
            return tensor
        }
        let items = try step.operands.map { operand -> OpArguments.Item in
            switch operand {
            case .slot(let slot): return .tensor(try value(slot))
            case .slots(let slots): return .tensors(try slots.map(value))
            case .optionalSlots(let slots): return .optionalTensors(try slots.map { try $0.map(value) })
            case .sizes(let sizes):
                return .constant(.ints(try sizes.map { size in
                    switch size {
                    case .int(let int): return int
                    case .slot(let slot): return Int(try value(slot).item())
                    }
                }))
            case .constant(let argument): return .constant(argument)
            }
        }
        if GradMode.isEnabled, ATenOps.withoutDerivative.contains(step.op), items.contains(where: Self.requiresGrad) {
            throw ExportedModelError.noDerivative(op: step.op, module: step.module)
        }
        let results = try kernel(OpArguments(op: step.op, module: step.module, names: step.names, items: items))
        guard results.count == step.outputs.count else {
            throw ExportedModelError.invalid("\(step.op) produced \(results.count) values, the graph expects \(step.outputs.count)")
        }
        for (slot, tensor) in zip(step.outputs, results) { environment.values[slot] = tensor }
        for slot in step.releases { environment.values[slot] = nil }
    }

    private static func requiresGrad(_ item: OpArguments.Item) -> Bool {
        switch item {
        case .tensor(let tensor): return tensor.requiresGrad
        case .tensors(let tensors): return tensors.contains(where: \.requiresGrad)
        case .optionalTensors(let tensors): return tensors.contains { $0?.requiresGrad == true }
        case .constant: return false
        }
    }
}
