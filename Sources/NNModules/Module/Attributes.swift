import OrderedCollections

/// Python's attribute protocol on modules (`__setattr__`, `__getattr__`, `__delattr__`, `hasattr`):
/// assigning a Parameter registers it, assigning a Module adds a child, assigning a tensor to a buffer
/// name replaces the buffer, and mismatched assignments raise PyTorch's TypeErrors.
extension Module {
    /// Names every `nn.Module` answers to (`training`, its methods), which `register_*` refuses to shadow.
    static let builtinAttributeNames: Set<String> = [
        "training", "forward", "dump_patches", "call_super_init", "register_buffer", "register_parameter",
        "add_module", "register_module", "get_submodule", "set_submodule", "get_parameter", "get_buffer",
        "get_extra_state", "set_extra_state", "apply", "cuda", "ipu", "xpu", "mtia", "cpu", "type", "float",
        "double", "half", "bfloat16", "to_empty", "to", "register_full_backward_pre_hook",
        "register_backward_hook", "register_full_backward_hook", "register_forward_pre_hook",
        "register_forward_hook", "state_dict", "register_state_dict_pre_hook", "register_state_dict_post_hook",
        "register_load_state_dict_pre_hook", "register_load_state_dict_post_hook", "load_state_dict",
        "parameters", "named_parameters", "buffers", "named_buffers", "children", "named_children", "modules",
        "named_modules", "train", "eval", "requires_grad_", "zero_grad", "share_memory", "extra_repr",
        "compile", "_get_name", "_apply", "_parameters", "_buffers", "_modules", "_non_persistent_buffers_set",
        "_forward_hooks", "_forward_pre_hooks", "_backward_hooks", "_backward_pre_hooks", "_version",
    ]

    /// torch: `hasattr(module, name)`.
    public func hasAttribute(_ name: String) -> Bool {
        _parameters.index(forKey: name) != nil || _buffers.index(forKey: name) != nil
            || _modules.index(forKey: name) != nil || plainAttributes.index(forKey: name) != nil
            || extraAttributes.index(forKey: name) != nil || Module.builtinAttributeNames.contains(name)
    }

    /// torch: `getattr(module, name)`.
    public func getAttribute(_ name: String) throws -> Value {
        if let slot = _parameters[name] { return slot.map { .tensor($0) } ?? .none }
        if let slot = _buffers[name] { return slot.map { .tensor($0) } ?? .none }
        if let slot = _modules[name] { return slot.map { .module($0) } ?? .none }
        if let value = plainAttributes[name] { return value }
        if let value = extraAttributes[name] { return value }
        throw TorchError.attributeError("'\(typeName)' object has no attribute '\(name)'")
    }

    /// torch: `module.name = value` (`Module.__setattr__`).
    public func setAttribute(_ name: String, _ value: Value) throws {
        if case .tensor(let t) = value, let param = t as? Parameter {
            plainAttributes.removeValue(forKey: name)
            _buffers.removeValue(forKey: name)
            _modules.removeValue(forKey: name)
            _nonPersistentBuffersSet.remove(name)
            try registerParameter(name, param)
        } else if _parameters.index(forKey: name) != nil {
            guard value.isNone else {
                throw TorchError.typeError("cannot assign '\(value.typeName)' as parameter '\(name)' (torch.nn.Parameter or None expected)")
            }
            try registerParameter(name, nil)
        } else if case .module(let module) = value {
            plainAttributes.removeValue(forKey: name)
            _parameters.removeValue(forKey: name)
            _buffers.removeValue(forKey: name)
            _nonPersistentBuffersSet.remove(name)
            _modules[name] = .some(module)
        } else if _modules.index(forKey: name) != nil {
            guard value.isNone else {
                throw TorchError.typeError("cannot assign '\(value.typeName)' as child module '\(name)' (torch.nn.Module or None expected)")
            }
            _modules[name] = .some(nil)
        } else if _buffers.index(forKey: name) != nil {
            switch value {
            case .none: _buffers[name] = .some(nil)
            case .tensor(let t): _buffers[name] = .some(t)
            default:
                throw TorchError.typeError("cannot assign '\(value.typeName)' as buffer '\(name)' (torch.nn.Buffer, torch.Tensor or None expected)")
            }
        } else {
            plainAttributes[name] = value
        }
    }

    /// torch: `module.name = nn.Buffer(tensor, persistent=...)`.
    public func setAttribute(_ name: String, _ buffer: Buffer) throws {
        plainAttributes.removeValue(forKey: name)
        _parameters.removeValue(forKey: name)
        _modules.removeValue(forKey: name)
        try registerBuffer(name, buffer.tensor, persistent: buffer.persistent)
    }

    /// torch: `del module.name`.
    public func deleteAttribute(_ name: String) throws {
        if _parameters.removeValue(forKey: name) != nil { return }
        if _buffers.removeValue(forKey: name) != nil {
            _nonPersistentBuffersSet.remove(name)
            return
        }
        if _modules.removeValue(forKey: name) != nil { return }
        if plainAttributes.removeValue(forKey: name) != nil { return }
        throw TorchError.attributeError("'\(typeName)' object has no attribute '\(name)'")
    }
}
