/// torch: `load_state_dict` and `_load_from_state_dict`, with PyTorch's error accumulation: every
/// problem (missing, unexpected, size mismatch) is reported together, and `strict=False` still refuses
/// shape mismatches.
extension Module {
    /// torch: `load_state_dict(state_dict, strict=True, assign=False)`.
    @discardableResult
    public func loadStateDict(_ stateDict: StateDict, strict: Bool = true, assign: Bool = false) throws -> IncompatibleKeys {
        var missingKeys: [String] = []
        var unexpectedKeys: [String] = []
        var errorMsgs: [String] = []
        let metadata = stateDict.metadata

        func load(_ module: Module, _ local: inout StateDict, prefix: String) throws {
            var localMetadata = metadata?[String(prefix.dropLast())] ?? [:]
            if assign { localMetadata["assign_to_params_buffers"] = .bool(true) }
            try module.loadFromStateDict(&local, prefix: prefix, localMetadata: localMetadata, strict: true,
                                         missingKeys: &missingKeys, unexpectedKeys: &unexpectedKeys, errorMsgs: &errorMsgs)
            for (name, child) in module._modules {
                guard let child else { continue }
                let childPrefix = prefix + name + "."
                var childDict = StateDict(local.entries.filter { $0.key.hasPrefix(childPrefix) }, metadata: metadata)
                try load(child, &childDict, prefix: childPrefix)
            }
            var incompatible = IncompatibleKeys(missingKeys: missingKeys, unexpectedKeys: unexpectedKeys)
            for hook in module.hooks.loadStateDictPost.values {
                try hook(module, &incompatible)
            }
            missingKeys = incompatible.missingKeys
            unexpectedKeys = incompatible.unexpectedKeys
        }

        var root = stateDict
        try load(self, &root, prefix: "")
        if strict {
            if !unexpectedKeys.isEmpty {
                errorMsgs.insert("Unexpected key(s) in state_dict: \(unexpectedKeys.map { "\"\($0)\"" }.joined(separator: ", ")). ", at: 0)
            }
            if !missingKeys.isEmpty {
                errorMsgs.insert("Missing key(s) in state_dict: \(missingKeys.map { "\"\($0)\"" }.joined(separator: ", ")). ", at: 0)
            }
        }
        if !errorMsgs.isEmpty {
            throw TorchError.runtimeError("Error(s) in loading state_dict for \(typeName):\n\t" + errorMsgs.joined(separator: "\n\t"))
        }
        return IncompatibleKeys(missingKeys: missingKeys, unexpectedKeys: unexpectedKeys)
    }

    /// The body of torch's `Module._load_from_state_dict`.
    public func defaultLoadFromStateDict(_ stateDict: inout StateDict, prefix: String, localMetadata: [String: Value],
                                         strict: Bool, missingKeys: inout [String], unexpectedKeys: inout [String],
                                         errorMsgs: inout [String]) throws {
        for hook in hooks.loadStateDictPre.values {
            try hook(self, &stateDict, prefix, localMetadata, strict, &missingKeys, &unexpectedKeys, &errorMsgs)
        }
        var localState: [(String, Tensor)] = []
        for (name, p) in _parameters { if let p { localState.append((name, p)) } }
        for (name, b) in _buffers where !_nonPersistentBuffersSet.contains(name) { if let b { localState.append((name, b)) } }
        let localNames = Set(localState.map(\.0))
        var assignToParams = false
        if case .bool(true)? = localMetadata["assign_to_params_buffers"] { assignToParams = true }

        for (name, param) in localState {
            let key = prefix + name
            guard let entry = stateDict[key] else {
                if strict { missingKeys.append(key) }
                continue
            }
            guard var input = entry.tensor else {
                errorMsgs.append("While copying the parameter named \"\(key)\", expected torch.Tensor or Tensor-like object from checkpoint but received <class '\(entry.typeName)'>")
                continue
            }
            let paramIsLazy = param.isLazy
            if !paramIsLazy && param.rank == 0 && input.rank == 1 && !input.isLazy {
                input = try input.select(0, 0)
            }
            if !paramIsLazy && input.sizes != param.sizes {
                errorMsgs.append("size mismatch for \(key): copying a param with shape \(torchSize(input.sizes)) from checkpoint, the shape in current model is \(torchSize(param.sizes)).")
                continue
            }
            if param.isMeta && !input.isMeta && !assignToParams {
                Warnings.warn("for \(key): copying from a non-meta parameter in the checkpoint to a meta parameter in the current model, which is a no-op. (Did you mean to pass `assign=True` to assign items in the state dictionary to their corresponding key in the module instead of copying them in place?)")
            }
            do {
                if assignToParams {
                    if let p = param as? Parameter {
                        let replacement = (input as? Parameter) ?? Parameter(input, requiresGrad: p.requiresGrad)
                        replacement.requiresGrad = p.requiresGrad
                        try setAttribute(name, .tensor(replacement))
                    } else {
                        try setAttribute(name, .tensor(input))
                    }
                } else {
                    // PyTorch's _load_from_state_dict copies under torch.no_grad().
                    try GradMode.noGrad { try param.copy_(input) }
                }
            } catch {
                errorMsgs.append("While copying the parameter named \"\(key)\", whose dimensions in the model are \(torchSize(param.sizes)) and whose dimensions in the checkpoint are \(torchSize(input.sizes)), an exception occurred : ('\(error)',).")
            }
        }

        let extraKey = prefix + Module.extraStateKeySuffix
        if acceptsExtraState {
            if let extra = stateDict[extraKey] {
                try setExtraState(extra)
            } else if strict {
                missingKeys.append(extraKey)
            }
        } else if strict && stateDict[extraKey] != nil {
            unexpectedKeys.append(extraKey)
        }

        if strict {
            for key in stateDict.keys where key.hasPrefix(prefix) && key != extraKey {
                let rest = key.dropFirst(prefix.count)
                if let dot = rest.firstIndex(of: ".") {
                    if _modules.index(forKey: String(rest[..<dot])) == nil { unexpectedKeys.append(key) }
                } else if !localNames.contains(String(rest)) {
                    unexpectedKeys.append(key)
                }
            }
        }
    }
}

/// `str(torch.Size([3, 2]))`.
public func torchSize(_ shape: [Int]) -> String {
    "torch.Size([" + shape.map(String.init).joined(separator: ", ") + "])"
}
