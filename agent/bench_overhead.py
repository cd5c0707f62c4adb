"""Step-time overhead of the agent on CPU: ResNet-18-shaped and GPT-2-small-shaped training steps.

Configurations, interleaved round by round (medians of all timed steps):
  unhooked       a model no agent ever touched (a copy with the same weights)
  latency        agent attached, a viewer connected, statistics off (stats_every=0)
  stats          agent attached, a viewer connected, statistics on (the default budget)
  detached       agent attached after a viewer disconnected (every hook removed)
  torch_hooks    reference: plain forward pre/post hooks on every module reading perf_counter_ns
The viewer is a separate process that reads and discards the agent's lines, as nntop would.
Prints one JSON object: per model the median step times (ms) and the ratios to unhooked.

    python agent/bench_overhead.py [--rounds 4] [--steps 6] [--models resnet18,gpt2]
"""
import argparse
import copy
import json
import os
import statistics
import subprocess
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nntop_agent  # noqa: E402
from nntop_agent.models import GPT2LMHeadModel, ResNet, gpt2_step, resnet18_step  # noqa: E402

VIEWER = ("import socket,sys\ns=socket.socket(socket.AF_UNIX);s.connect(sys.argv[1])\n"
          "while s.recv(1<<20): pass\n")


def plain_hooks(model):
    times = []
    hs = []
    for m in model.modules():
        hs.append(m.register_forward_pre_hook(lambda mod, a: times.append(time.perf_counter_ns())))
        hs.append(m.register_forward_hook(lambda mod, a, o: times.append(time.perf_counter_ns())))
    return hs, times


def timed(step, n):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        step()
        out.append(time.perf_counter() - t)
    return out


def bench(name, make_model, make_step, rounds, steps, warm):
    torch.manual_seed(0)
    base = make_model()
    hooked = copy.deepcopy(base)
    opt_a = torch.optim.SGD(base.parameters(), lr=1e-4)
    opt_b = torch.optim.SGD(hooked.parameters(), lr=1e-4)
    step_a = make_step(base, opt_a)
    step_b = make_step(hooked, opt_b)
    agent = nntop_agent.attach(hooked, name=f"bench_{name}", verbose=False)
    env = dict(os.environ)
    res = {k: [] for k in ("unhooked", "latency", "stats", "detached", "torch_hooks")}
    for _ in range(warm):
        step_a()
        step_b()

    def with_viewer(stats_every):
        agent.profiler.stats_every = stats_every
        v = subprocess.Popen([sys.executable, "-c", VIEWER, agent.sock_path], env=env)
        deadline = time.time() + 30
        while not agent.want_hooks and time.time() < deadline:
            time.sleep(0.01)
        for _ in range(warm):
            step_b()
        assert agent.profiler.installed
        r = timed(step_b, steps)
        v.kill()
        v.wait()
        deadline = time.time() + 30
        while agent.conn is not None and time.time() < deadline:
            time.sleep(0.01)
        step_b()  # the next forward removes every hook
        assert not agent.profiler.installed
        return r

    def run(kind):
        if kind == "unhooked":
            return timed(step_a, steps)
        if kind == "latency":
            return with_viewer(0)
        if kind == "stats":
            return with_viewer(1)
        if kind == "detached":
            return timed(step_b, steps)
        hs, _ = plain_hooks(base)
        step_a()
        r = timed(step_a, steps)
        for h in hs:
            h.remove()
        return r

    kinds = list(res)
    for r in range(rounds):
        order = kinds[r % len(kinds):] + kinds[:r % len(kinds)]
        for k in order:
            res[k].extend(run(k))
    agent.close()
    med = {k: statistics.median(v) * 1e3 for k, v in res.items()}
    return {"median_ms": {k: round(v, 3) for k, v in med.items()},
            "ratio_to_unhooked": {k: round(v / med["unhooked"], 4) for k, v in med.items() if k != "unhooked"},
            "steps_per_config": len(res["unhooked"]), "dropped": agent.dropped}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--warm", type=int, default=2)
    ap.add_argument("--models", default="resnet18,gpt2")
    ap.add_argument("--gpt2-seq", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads (1: steadier on a shared host)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "rounds": a.rounds}
    t0 = time.time()
    for name in a.models.split(","):
        if name == "resnet18":
            out[name] = bench(name, ResNet, lambda m, o: resnet18_step(m, 2, "cpu", o), a.rounds, a.steps * 2,
                              a.warm)
            out[name]["input"] = "2x3x64x64"
        elif name == "gpt2":
            out[name] = bench(name, GPT2LMHeadModel, lambda m, o: gpt2_step(m, 1, a.gpt2_seq, "cpu", o),
                              a.rounds, a.steps, a.warm)
            out[name]["input"] = f"1x{a.gpt2_seq} tokens"
        else:
            raise SystemExit(f"unknown model {name}")
    out["seconds"] = round(time.time() - t0, 1)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
