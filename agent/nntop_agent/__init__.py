"""nntop_agent: lets `nntop attach` (or `python -m nntop_agent.client`) watch a running PyTorch model.

    import nntop_agent
    agent = nntop_agent.attach(model)       # returns at once; no hook until a viewer connects
    agent.watch_optimizer(opt)
    ... agent.log(loss=loss) ...

Protocol and formats: docs/schema.md ("Attach protocol"). The client (`nntop_agent.client`) does not import
torch, so it starts fast.
"""
__version__ = "0.1.0"

_LAZY = ("Agent", "AgentError", "attach", "current", "socket_dir")


def __getattr__(name):
    if name in _LAZY:
        from . import _agent
        return getattr(_agent, name)
    raise AttributeError(f"module 'nntop_agent' has no attribute {name!r}")


def log(loss=None, **kw):
    """Reports a loss to the current agent (no-op without one)."""
    from ._agent import current
    a = current()
    if a is not None:
        a.log(loss=loss, **kw)


__all__ = ["Agent", "AgentError", "attach", "current", "log", "socket_dir", "__version__"]
