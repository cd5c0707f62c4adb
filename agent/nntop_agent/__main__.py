"""python -m nntop_agent [--name N] [--tcp] [--allow-mode] [--stats-every K] script.py args...

Runs the script with an agent attached to the first nn.Module it calls (a one-shot global forward pre-hook,
removed as soon as it fires; that module is the root)."""
import argparse
import os
import runpy
import sys

import torch

from ._agent import attach


def main():
    ap = argparse.ArgumentParser(prog="python -m nntop_agent")
    ap.add_argument("--name")
    ap.add_argument("--tcp", action="store_true")
    ap.add_argument("--allow-mode", action="store_true")
    ap.add_argument("--stats-every", type=int, default=1)
    ap.add_argument("script")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    state = {}

    def first_call(module, args):
        h = state.pop("handle", None)
        if h is None:
            return None
        h.remove()
        state["agent"] = attach(module, name=a.name, tcp=a.tcp, allow_mode=a.allow_mode,
                                stats_every=a.stats_every)
        return None

    state["handle"] = torch.nn.modules.module.register_module_forward_pre_hook(first_call)
    sys.argv = [a.script] + a.args
    sys.path.insert(0, os.path.dirname(os.path.abspath(a.script)))
    runpy.run_path(a.script, run_name="__main__")


if __name__ == "__main__":
    main()
