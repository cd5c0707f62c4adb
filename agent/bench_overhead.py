"""Step-time overhead of the agent on CPU: ResNet-18-shaped and GPT-2-small-shaped training steps.

Each configuration is measured in phases that alternate its steps with steps of an unhooked copy of the
model (paired, so the load of a shared host cancels out); a phase's ratio is mean(config) / mean(unhooked)
over its steps (statistics steps count at their real, amortized cost) and the reported ratio is the median
of the phases' ratios over rounds, configurations in rotating order:
  unhooked       a model no agent ever touched (a copy with the same weights)
  latency        agent attached, a viewer connected, statistics off (stats_every=0)
  stats          agent attached, a viewer connected, statistics on (the default budget)
  detached       agent attached after a viewer disconnected (every hook removed)
  torch_hooks    reference: plain forward pre/post hooks on every module reading perf_counter_ns
The viewer is a separate process that reads and discards the agent's lines, as nntop would.
Prints one JSON object: per model the median step times (ms), the ratios to unhooked and every phase's ratio.

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


def paired(step_a, step_b, n):
    """n alternating steps of each; returns (times of a, times of b) in seconds."""
    ta, tb = [], []
    for i in range(n):
        for which in ((step_a, ta), (step_b, tb)) if i % 2 == 0 else ((step_b, tb), (step_a, ta)):
            t = time.perf_counter()
            which[0]()
            which[1].append(time.perf_counter() - t)
    return ta, tb


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
    kinds = ("latency", "stats", "detached", "torch_hooks")
    ratios = {k: [] for k in kinds}
    times = {k: [] for k in kinds + ("unhooked",)}
    for _ in range(warm):
        step_a()
        step_b()

    def phase(kind):
        viewer = hs = None
        if kind in ("latency", "stats"):
            agent.profiler.stats_every = 0 if kind == "latency" else 1
            viewer = subprocess.Popen([sys.executable, "-c", VIEWER, agent.sock_path], env=env)
            deadline = time.time() + 30
            while not agent.want_hooks and time.time() < deadline:
                time.sleep(0.01)
            for _ in range(warm):
                step_b()
            assert agent.profiler.installed
        elif kind == "torch_hooks":
            hs, _ = plain_hooks(hooked)
            step_b()
        else:
            assert not agent.profiler.installed
        ta, tb = paired(step_a, step_b, steps)
        if viewer is not None:
            viewer.kill()
            viewer.wait()
            deadline = time.time() + 30
            while agent.conn is not None and time.time() < deadline:
                time.sleep(0.01)
            step_b()  # the next forward removes every hook
            assert not agent.profiler.installed
        for h in hs or ():
            h.remove()
        # a phase's ratio uses the mean step time (so occasional statistics steps count at their real cost);
        # the reported figure is the median of the phases' ratios
        ratios[kind].append(sum(tb) / sum(ta))
        times[kind].extend(tb)
        times["unhooked"].extend(ta)

    for r in range(rounds):
        order = kinds[r % len(kinds):] + kinds[:r % len(kinds)]
        for k in order:
            phase(k)
    agent.close()
    return {"median_ms": {k: round(statistics.median(v) * 1e3, 3) for k, v in times.items()},
            "ratio_to_unhooked": {k: round(statistics.median(v), 4) for k, v in ratios.items()},
            "ratio_per_round": {k: [round(x, 4) for x in v] for k, v in ratios.items()},
            "steps_per_phase": steps, "dropped": agent.dropped}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--warm", type=int, default=1)
    ap.add_argument("--models", default="resnet18,gpt2")
    ap.add_argument("--gpt2-seq", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads (1: steadier on a shared host)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "rounds": a.rounds}
    t0 = time.time()
    for name in a.models.split(","):
        if name == "resnet18":
            out[name] = bench(name, ResNet, lambda m, o: resnet18_step(m, 2, "cpu", o), a.rounds, a.steps * 3,
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
