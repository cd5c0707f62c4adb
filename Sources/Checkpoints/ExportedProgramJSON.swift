import Foundation

/// Decodes the JSON of a serialized ExportedProgram (and the archive's weights/constants configs) into
/// `ExportedProgram` values. Every field that is missing or of the wrong type is a thrown error naming
/// where it is; unknown union members are kept by name so a reader can say what it does not support.
struct ExportedProgramJSON {
    let file: String
    let source: String

    func fail(_ problem: String) -> CheckpointError {
        CheckpointError(file: file, kind: .malformedArchive, message: "\(source): \(problem)")
    }

    func object(_ value: Any?, _ what: String) throws(CheckpointError) -> [String: Any] {
        guard let object = value as? [String: Any] else { throw fail("\(what) is not an object") }
        return object
    }

    func array(_ value: Any?, _ what: String) throws(CheckpointError) -> [Any] {
        guard let array = value as? [Any] else { throw fail("\(what) is not an array") }
        return array
    }

    func string(_ value: Any?, _ what: String) throws(CheckpointError) -> String {
        guard let text = value as? String else { throw fail("\(what) is not a string") }
        return text
    }

    /// (Linux Foundation bridges 0 and 1 to `Bool` too, so numbers are not checked for being booleans.)
    func int(_ value: Any?, _ what: String) throws(CheckpointError) -> Int {
        guard let number = value as? NSNumber, let exact = Int(exactly: number.doubleValue) else {
            throw fail("\(what) is not an integer")
        }
        return exact
    }

    func bool(_ value: Any?, _ what: String) throws(CheckpointError) -> Bool {
        guard let flag = value as? Bool else { throw fail("\(what) is not a boolean") }
        return flag
    }

    /// Floats are numbers, or the strings `Infinity`, `-Infinity`, `NaN` for non-finite values.
    func float(_ value: Any?, _ what: String) throws(CheckpointError) -> Double {
        if let number = value as? NSNumber { return number.doubleValue }
        switch value as? String {
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        case "NaN": return .nan
        default: throw fail("\(what) is not a number")
        }
    }

    /// A union: an object with exactly one member.
    func union(_ value: Any?, _ what: String) throws(CheckpointError) -> (String, Any) {
        let members = try object(value, what)
        guard members.count == 1, let (key, content) = members.first else {
            throw fail("\(what) has \(members.count) members, a union has one")
        }
        return (key, content)
    }

    func tensorName(_ value: Any?, _ what: String) throws(CheckpointError) -> String {
        try string(try object(value, what)["name"], "\(what).name")
    }

    func symInt(_ value: Any?, _ what: String) throws(CheckpointError) -> ExportedSymInt {
        let (kind, content) = try union(value, what)
        switch kind {
        case "as_int": return .int(try int(content, what))
        case "as_name": return .name(try string(content, what))
        case "as_expr": return .name(try string(try object(content, what)["expr_str"], what))
        default: throw fail("\(what): unknown symbolic integer kind `\(kind)`")
        }
    }

    func argument(_ value: Any?, _ what: String) throws(CheckpointError) -> ExportedArgument {
        let (kind, content) = try union(value, what)
        switch kind {
        case "as_none": return .none
        case "as_tensor": return .tensor(try tensorName(content, what))
        case "as_tensors":
            return .tensors(try array(content, what).map { (item) throws(CheckpointError) in try tensorName(item, what) })
        case "as_optional_tensors":
            return .optionalTensors(
                try array(content, what).map { (item) throws(CheckpointError) -> String? in
                    let (inner, tensor) = try union(item, what)
                    return inner == "as_none" ? nil : try tensorName(tensor, what)
                })
        case "as_int": return .int(try int(content, what))
        case "as_ints": return .ints(try array(content, what).map { (item) throws(CheckpointError) in try int(item, what) })
        case "as_float": return .float(try float(content, what))
        case "as_floats":
            return .floats(try array(content, what).map { (item) throws(CheckpointError) in try float(item, what) })
        case "as_bool": return .bool(try bool(content, what))
        case "as_bools": return .bools(try array(content, what).map { (item) throws(CheckpointError) in try bool(item, what) })
        case "as_string": return .string(try string(content, what))
        case "as_strings":
            return .strings(try array(content, what).map { (item) throws(CheckpointError) in try string(item, what) })
        case "as_sym_int": return .symInt(try symInt(content, what))
        case "as_sym_ints":
            return .symInts(try array(content, what).map { (item) throws(CheckpointError) in try symInt(item, what) })
        case "as_scalar_type": return .scalarType(try int(content, what))
        case "as_memory_format": return .memoryFormat(try int(content, what))
        case "as_layout": return .layout(try int(content, what))
        case "as_device":
            let device = try object(content, what)
            let type = try string(device["type"], "\(what).type")
            let index = device["index"].flatMap { $0 is NSNull ? nil : $0 as? Int }
            return .device(index.map { "\(type):\($0)" } ?? type)
        default: return .other(kind)
        }
    }

    func tensorMeta(_ value: Any?, _ what: String) throws(CheckpointError) -> ExportedTensorMeta {
        let meta = try object(value, what)
        return ExportedTensorMeta(
            scalarType: try int(meta["dtype"], "\(what).dtype"),
            sizes: try array(meta["sizes"], "\(what).sizes").map { (item) throws(CheckpointError) in try symInt(item, "\(what).sizes") },
            requiresGrad: (meta["requires_grad"] as? Bool) ?? false)
    }

    /// `nn_module_stack`: `key,path,class` entries joined by `;`.
    func moduleStack(_ text: String?) throws(CheckpointError) -> [ExportedModuleFrame] {
        guard let text, !text.isEmpty else { return [] }
        return try text.split(separator: ";").map { (entry) throws(CheckpointError) -> ExportedModuleFrame in
            guard let first = entry.firstIndex(of: ","), let last = entry.lastIndex(of: ","), first < last else {
                throw fail("nn_module_stack entry `\(entry)` is not `key,path,class`")
            }
            return ExportedModuleFrame(
                key: String(entry[..<first]), path: String(entry[entry.index(after: first)..<last]),
                className: String(entry[entry.index(after: last)...]))
        }
    }

    func program(_ root: Any) throws(CheckpointError) -> ExportedProgram {
        let module = try object(try object(root, "the program")["graph_module"], "graph_module")
        let graph = try object(module["graph"], "graph")
        let nodes = try array(graph["nodes"], "graph.nodes").enumerated().map { (index, item) throws(CheckpointError) -> ExportedNode in
            let node = try object(item, "node \(index)")
            let target = try string(node["target"], "node \(index).target")
            let what = "node \(index) (\(target))"
            let inputs = try array(node["inputs"], "\(what).inputs").map { (input) throws(CheckpointError) -> ExportedNamedArgument in
                let named = try object(input, "\(what) input")
                return ExportedNamedArgument(
                    name: try string(named["name"], "\(what) input name"),
                    argument: try argument(named["arg"], "\(what) input"), kind: (named["kind"] as? Int) ?? 1)
            }
            let outputs = try array(node["outputs"], "\(what).outputs").map { (output) throws(CheckpointError) in
                try argument(output, "\(what) output")
            }
            let metadata = node["metadata"] as? [String: Any]
            return ExportedNode(
                target: target, inputs: inputs, outputs: outputs,
                moduleStack: try moduleStack(metadata?["nn_module_stack"] as? String))
        }
        let signature = try object(module["signature"], "signature")
        let inputSpecs = try array(signature["input_specs"], "input_specs").map { (item) throws(CheckpointError) in
            try inputSpec(item)
        }
        let outputSpecs = try array(signature["output_specs"], "output_specs").map { (item) throws(CheckpointError) -> ExportedOutputSpec in
            let (kind, content) = try union(item, "output spec")
            let spec = try object(content, "output spec \(kind)")
            return ExportedOutputSpec(
                kind: kind, argument: try argument(spec["arg"], "output spec \(kind).arg"), target: spec["target"] as? String)
        }
        var moduleNames: [String] = []
        var forwardArgumentNames: [String] = []
        var outputNames: [String] = []
        for (index, item) in try array(module["module_call_graph"], "module_call_graph").enumerated() {
            let entry = try object(item, "module_call_graph[\(index)]")
            let fqn = try string(entry["fqn"], "module_call_graph[\(index)].fqn")
            moduleNames.append(fqn)
            if fqn.isEmpty, let signature = entry["signature"] as? [String: Any] {
                forwardArgumentNames = (signature["forward_arg_names"] as? [String]) ?? []
                outputNames = Self.outputNames(signature["out_spec"] as? String)
            }
        }
        var tensorValues: [String: ExportedTensorMeta] = [:]
        for (name, meta) in (graph["tensor_values"] as? [String: Any]) ?? [:] {
            tensorValues[name] = try tensorMeta(meta, "tensor_values.\(name)")
        }
        return ExportedProgram(
            nodes: nodes,
            inputs: try array(graph["inputs"], "graph.inputs").map { (item) throws(CheckpointError) in try argument(item, "graph input") },
            outputs: try array(graph["outputs"], "graph.outputs").map { (item) throws(CheckpointError) in try argument(item, "graph output") },
            inputSpecs: inputSpecs, outputSpecs: outputSpecs, moduleNames: moduleNames,
            forwardArgumentNames: forwardArgumentNames, outputNames: outputNames, tensorValues: tensorValues)
    }

    /// The top level of a pytree spec `[version, {"type", "context", "children_spec"}]`: a leaf is `output`,
    /// a container with a JSON list of keys as context names its children by them, others by position.
    static func outputNames(_ spec: String?) -> [String] {
        guard let data = spec?.data(using: .utf8),
            let parsed = try? JSONSerialization.jsonObject(with: data) as? [Any], parsed.count == 2,
            let root = parsed[1] as? [String: Any]
        else { return [] }
        let children = (root["children_spec"] as? [Any]) ?? []
        if root["type"] is NSNull || root["type"] == nil { return ["output"] }
        if let context = root["context"] as? String, let keyData = context.data(using: .utf8),
            let keys = try? JSONSerialization.jsonObject(with: keyData, options: [.fragmentsAllowed]) as? [String],
            keys.count == children.count
        {
            return keys
        }
        return children.indices.map(String.init)
    }

    private func inputSpec(_ item: Any) throws(CheckpointError) -> ExportedInputSpec {
        let (kind, content) = try union(item, "input spec")
        let spec = try object(content, "input spec \(kind)")
        func placeholder() throws(CheckpointError) -> ExportedArgument {
            .tensor(try string(try object(spec["arg"], "input spec \(kind).arg")["name"], "input spec \(kind).arg.name"))
        }
        switch kind {
        case "parameter":
            return ExportedInputSpec(kind: .parameter, argument: try placeholder(), target: try string(spec["parameter_name"], "parameter_name"))
        case "buffer":
            return ExportedInputSpec(
                kind: .buffer(persistent: (spec["persistent"] as? Bool) ?? true), argument: try placeholder(),
                target: try string(spec["buffer_name"], "buffer_name"))
        case "tensor_constant":
            return ExportedInputSpec(
                kind: .tensorConstant, argument: try placeholder(), target: try string(spec["tensor_constant_name"], "tensor_constant_name"))
        case "user_input":
            return ExportedInputSpec(kind: .userInput, argument: try argument(spec["arg"], "user input"), target: nil)
        default:
            return ExportedInputSpec(kind: .other(kind), argument: .other(kind), target: nil)
        }
    }
}
