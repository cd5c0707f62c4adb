"""GPU check of the agent (one prepared script; finishes in well under 4 minutes on an H200).

On a CUDA machine: trains a ResNet-18-shaped (batch 32, 224x224) and a GPT-2-small-shaped (batch 4 x 256
tokens) model on the GPU with the agent attached and a viewer (a client on a thread of this process reading
every line), and prints one JSON object:
  - step times (CUDA events around blocks of steps) detached / attached latency-only / attached with
    statistics, medians of interleaved rounds, and their ratios to detached;
  - what the snapshot says (module times come from CUDA event pairs, backward node times, statistics);
  - synchronizations while attached steps ran: torch.cuda.synchronize / Event.synchronize /
    Stream.synchronize calls counted through monkeypatching, and torch.cuda.set_sync_debug_mode("warn")
    warnings (any implicit device sync: .item(), blocking copies). Both must be 0.
Exit status 0 when every check holds, 1 otherwise.

    python agent/gpu_check.py [--device cuda] [--rounds 3] [--steps 10]
(`--device cpu --small` runs the same code path on CPU with tiny shapes, for a dry run.)
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

import nntop_agent  # noqa: E402
from nntop_agent.client import Client  # noqa: E402
from nntop_agent.models import GPT2LMHeadModel, ResNet  # noqa: E402

IN_STEP = threading.Event()
SYNC_CALLS = {"count": 0, "where": []}


def patch_syncs():
    def wrap(owner, attr, label):
        orig = getattr(owner, attr)

        def counted(*a, **k):
            if IN_STEP.is_set():
                SYNC_CALLS["count"] += 1
                if len(SYNC_CALLS["where"]) < 5:
                    SYNC_CALLS["where"].append(f"{label} on thread {threading.current_thread().name}")
            return orig(*a, **k)
        setattr(owner, attr, counted)
    if torch.cuda.is_available():
        wrap(torch.cuda, "synchronize", "torch.cuda.synchronize")
        wrap(torch.cuda.Event, "synchronize", "Event.synchronize")
        wrap(torch.cuda.Stream, "synchronize", "Stream.synchronize")


class Viewer:
    """A client on a thread: keeps the latest snapshot, counts lines."""

    def __init__(self, path):
        self.c = Client(path=path, timeout=60)
        self.latest = None
        self.lines = 0
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        try:
            while True:
                m = self.c.read()
                if m is None:
                    return
                self.lines += 1
                if m.get("type") == "snapshot":
                    self.latest = m["snapshot"]
        except OSError:
            return

    def close(self):
        self.c.close()
        self.t.join(timeout=5)


def make(name, device, small):
    torch.manual_seed(0)
    if name == "resnet18":
        model = ResNet().to(device)
        b, hw = (2, 64) if small else (32, 224)
        x = torch.randn(b, 3, hw, hw, device=device)
        y = torch.randint(0, 1000, (b,), device=device)

        def loss_fn():
            return torch.nn.functional.cross_entropy(model(x), y)
    else:
        model = (GPT2LMHeadModel(vocab=1000, d=64, layers=2, heads=2, n_ctx=64) if small
                 else GPT2LMHeadModel()).to(device)
        b, t = (1, 16) if small else (4, 256)
        vocab = model.lm_head.weight.shape[0]
        ids = torch.randint(0, vocab, (b, t), device=device)

        def loss_fn():
            logits = model(ids)
            return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, vocab), ids[:, 1:].reshape(-1))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    return model, opt, loss_fn


SYNC_BY_KIND = {}


def run_block(step, n, device, kind):
    """n steps; returns ms per step measured with CUDA events (the sync is after the block, outside IN_STEP).
    Counts, per configuration, synchronize calls and sync-debug warnings while the steps ran: the training
    code itself may sync (detached shows that baseline); the agent must add none."""
    before = SYNC_CALLS["count"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if device == "cuda":
            a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            a.record()
            IN_STEP.set()
            for _ in range(n):
                step()
            IN_STEP.clear()
            b.record()
            b.synchronize()
            ms = a.elapsed_time(b) / n
        else:
            t = time.perf_counter()
            IN_STEP.set()
            for _ in range(n):
                step()
            IN_STEP.clear()
            ms = (time.perf_counter() - t) * 1e3 / n
    warn = [str(w.message)[:160] for w in caught if "synchroniz" in str(w.message).lower()]
    d = SYNC_BY_KIND.setdefault(kind, {"steps": 0, "sync_calls": 0, "sync_warnings": 0, "examples": []})
    d["steps"] += n
    d["sync_calls"] += SYNC_CALLS["count"] - before
    d["sync_warnings"] += len(warn)
    d["examples"] = (d["examples"] + warn)[:2]
    return ms


def check_model(name, args, deadline):
    device = args.device
    model, opt, loss_fn = make(name, device, args.small)
    agent = nntop_agent.attach(model, name=f"gpucheck_{name}", verbose=False)
    agent.watch_optimizer(opt)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        opt.step()
        agent.log(loss=loss)

    for _ in range(3):
        step()
    if device == "cuda":
        torch.cuda.synchronize()
    res = {"detached": [], "latency": [], "stats": []}
    snap = None
    viewer_lines = 0
    for r in range(args.rounds):
        if time.monotonic() > deadline:
            break
        for kind in ("detached", "latency", "stats"):
            if kind == "detached":
                res[kind].append(run_block(step, args.steps, device, kind))
                continue
            agent.profiler.stats_every = 0 if kind == "latency" else 1
            v = Viewer(agent.sock_path)
            t_end = time.monotonic() + 30
            while not agent.profiler.installed and time.monotonic() < t_end:
                step()
            step()
            res[kind].append(run_block(step, args.steps, device, kind))
            # let the aggregator read the events of these steps, then keep its view
            t_end = time.monotonic() + 10
            while time.monotonic() < t_end:
                s = v.latest
                if s and s["runner"]["forwards"] >= args.steps and (kind == "latency" or s["backward_nodes"]):
                    break
                time.sleep(0.05)
            if kind == "stats":
                snap = v.latest
            viewer_lines += v.lines
            v.close()
            t_end = time.monotonic() + 10
            while agent.conn is not None and time.monotonic() < t_end:
                time.sleep(0.01)
            step()  # the next forward removes every hook
    agent.close()
    med = {k: statistics.median(v) for k, v in res.items() if v}
    out = {"step_ms": {k: round(v, 3) for k, v in med.items()},
           "ratio_to_detached": {k: round(v / med["detached"], 4) for k, v in med.items() if k != "detached"},
           "rounds": len(res["detached"]), "steps_per_block": args.steps, "viewer_lines": viewer_lines,
           "hooks_left_after_detach": agent.profiler.installed}
    if snap:
        mods = {m["name"]: m for m in snap["modules"]}
        root = mods.get("", {})
        top = sorted(snap["modules"], key=lambda m: -m["self_ms"]["window"]["mean"])[:5]
        out["snapshot"] = {
            "forwards": snap["runner"]["forwards"], "dropped": snap["runner"]["dropped"],
            "root_inclusive_ms_p50": root.get("inclusive_ms", {}).get("window", {}).get("p50"),
            "top_self_ms": [[m["name"], round(m["self_ms"]["window"]["mean"], 4)] for m in top],
            "modules_with_times": sum(1 for m in snap["modules"] if m["inclusive_ms"]["window"]["p50"] > 0),
            "modules_with_outputs": sum(1 for m in snap["modules"] if m["outputs"]),
            "modules_with_backward": sum(1 for m in snap["modules"] if m["backward"]),
            "modules_with_gradient": sum(1 for m in snap["modules"] if m["gradient"]),
            "backward_nodes": len(snap["backward_nodes"]), "last_backward_ms": snap["runner"]["last_backward_ms"],
            "losses": len(snap["runner"]["losses"]),
        }
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--small", action="store_true")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--budget-s", type=float, default=180.0, help="stop starting new rounds after this")
    args = ap.parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        print(json.dumps({"ok": False, "error": "CUDA is not available"}))
        return 1
    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="ntg", dir="/tmp"))
    t0 = time.monotonic()
    deadline = t0 + args.budget_s
    patch_syncs()
    out = {"torch": torch.__version__, "device": torch.cuda.get_device_name() if args.device == "cuda" else "cpu"}
    if args.device == "cuda":
        torch.backends.cudnn.benchmark = True
        torch.cuda.set_sync_debug_mode("warn")
    for name in ("resnet18", "gpt2"):
        out[name] = check_model(name, args, deadline - (60 if name == "resnet18" else 0))
    if args.device == "cuda":
        torch.cuda.set_sync_debug_mode(0)
    out["syncs_while_steps_ran"] = SYNC_BY_KIND
    out["sync_call_sites"] = SYNC_CALLS["where"]

    def rate(kind, key):
        d = SYNC_BY_KIND.get(kind) or {"steps": 1, key: 0}
        return d[key] / max(1, d["steps"])
    checks = []
    for name in ("resnet18", "gpt2"):
        r = out[name]
        s = r.get("snapshot") or {}
        checks += [
            (f"{name}: snapshot has module times", s.get("modules_with_times", 0) > 5),
            (f"{name}: statistics and gradients present", s.get("modules_with_outputs", 0) > 5
             and s.get("modules_with_gradient", 0) > 3),
            (f"{name}: backward times present", s.get("modules_with_backward", 0) > 3),
            (f"{name}: hooks removed after detach", not r["hooks_left_after_detach"]),
        ]
    for kind in ("latency", "stats"):
        checks.append((f"{kind}: no synchronize call added by the agent",
                       rate(kind, "sync_calls") <= rate("detached", "sync_calls")))
        checks.append((f"{kind}: no implicit sync added by the agent (set_sync_debug_mode warnings)",
                       rate(kind, "sync_warnings") <= rate("detached", "sync_warnings")))
    out["checks"] = {k: bool(v) for k, v in checks}
    out["ok"] = all(v for _, v in checks)
    out["seconds"] = round(time.monotonic() - t0, 1)
    print(json.dumps(out, indent=1))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
