"""The model tree of docs/schema.md from named_modules()/named_parameters()."""
import torch
from torch import nn

try:
    from torch.nn.parameter import UninitializedBuffer, UninitializedParameter, UninitializedTensorMixin
except ImportError:  # pragma: no cover - very old torch
    UninitializedTensorMixin = ()
    UninitializedParameter = UninitializedBuffer = ()


def dtype_name(dtype) -> str:
    return str(dtype).replace("torch.", "")


def _is_uninit(t) -> bool:
    return bool(UninitializedTensorMixin) and isinstance(t, UninitializedTensorMixin)


def _shape(t):
    return None if _is_uninit(t) else list(t.shape)


def module_list(model: nn.Module):
    """named_modules() as PyTorch lists it (each module object once)."""
    return list(model.named_modules())


def build_tree(model: nn.Module, source: str):
    """Returns (tree dict, param_owner) where param_owner maps module row -> list of parameter ids."""
    mods = module_list(model)
    row_of_name = {n: i for i, (n, _) in enumerate(mods)}
    names_per_module = {}
    for _, m in model.named_modules(remove_duplicate=False):
        names_per_module[id(m)] = names_per_module.get(id(m), 0) + 1
    parameters = []
    pid_of = {}
    rows = []
    for i, (name, m) in enumerate(mods):
        if i == 0:
            parent = None
        else:
            parent_name = name.rsplit(".", 1)[0] if "." in name else ""
            # named_modules() lists a module under its first path, whose prefix is listed before it
            parent = row_of_name.get(parent_name, 0)
        params = []
        lazy = False
        for pname, p in m._parameters.items():
            if p is None:
                continue
            if _is_uninit(p):
                lazy = True
            key = id(p)
            if key not in pid_of:
                pid_of[key] = len(parameters)
                parameters.append({
                    "id": len(parameters),
                    "name": f"{name}.{pname}" if name else pname,
                    "shape": _shape(p),
                    "dtype": dtype_name(p.dtype),
                    "device": str(p.device),
                    "requires_grad": bool(p.requires_grad),
                })
            params.append({"name": pname, "tensor": pid_of[key]})
        buffers = []
        non_persistent = getattr(m, "_non_persistent_buffers_set", set())
        for bname, b in m._buffers.items():
            if b is None:
                continue
            if _is_uninit(b):
                lazy = True
            buffers.append({"name": bname, "shape": _shape(b), "dtype": dtype_name(b.dtype),
                            "device": str(b.device), "persistent": bname not in non_persistent})
        rows.append({"name": name, "class": type(m).__name__, "parent": parent, "params": params,
                     "buffers": buffers, "shared": names_per_module.get(id(m), 1) > 1, "lazy": lazy})
    tree = {"name": type(model).__name__, "source": source, "training": bool(model.training),
            "modules": rows, "parameters": parameters}
    owner = [[p["tensor"] for p in r["params"]] for r in rows]
    return tree, owner


def unique_parameters(model: nn.Module):
    """[(qualified name, tensor)] each tensor once, in the tree's `parameters` order."""
    seen = set()
    out = []
    for name, m in model.named_modules():
        for pname, p in m._parameters.items():
            if p is None or id(p) in seen:
                continue
            seen.add(id(p))
            out.append((f"{name}.{pname}" if name else pname, p))
    return out


def default_device(model: nn.Module) -> str:
    for t in model.parameters():
        return str(t.device)
    for t in model.buffers():
        return str(t.device)
    return "cpu"
