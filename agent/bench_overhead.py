"""Step-time overhead of the agent on CPU: ResNet-18-shaped and GPT-2-small-shaped training steps.

Each configuration is measured in phases that alternate blocks of its steps with blocks of steps of an unhooked
copy of the model, in the order ABBABAAB (A unhooked, B the configuration: the load of a shared host and a
linear drift cancel out, and each model's steps follow a switch of model equally often). Blocks of a few
steps rather than single alternating steps, so the attached model runs as in a training loop:
the agent's time-based work (the statistics budget, a fraction of the time between the model's steps; the
viewer's snapshots, every 200 ms or slower) is not spread over the unhooked model's steps. The stats phases are
one continuous statistics run cut into pieces: each resumes the statistics budget where the previous one left it
(warm-up steps run without statistics), so the measured steps contain statistics steps at their steady rate.
Configurations, in rotating order per round:
  unhooked       a model no agent ever touched (a copy with the same weights)
  latency        agent attached, a viewer connected, statistics off (stats_every=0)
  stats          agent attached, a viewer connected, statistics on (the default budget)
  detached       agent attached after a viewer disconnected (every hook removed)
  torch_hooks    reference: plain forward pre/post hooks on every module reading perf_counter_ns
The viewer is a separate process that reads and discards the agent's lines, as nntop would.

Prints one JSON object, per model:
  ratio_to_unhooked   total time of the configuration's steps / total time of the unhooked steps paired with
                      them, over all rounds (statistics steps count at their real, amortized cost)
  ratio_median_phase  the median over the phases of the same ratio per phase (robust to a burst of load)
  cpu_ratio_to_unhooked  the same total ratio with the process's CPU time (all its threads: the agent's sender
                      thread included) instead of wall time: what the agent costs in CPU, less sensitive to
                      other processes' load than wall time (which stays the figure the targets are about)
  ratio_per_phase     every phase's ratio; median_ms the median step times; stats_steps how many of the
                      measured steps were statistics steps
Ratios side by side in `summary`: per configuration [ratio_to_unhooked, ratio_median_phase,
cpu_ratio_to_unhooked].

    python agent/bench_overhead.py [--rounds 5] [--steps 4] [--models resnet18,gpt2]
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
KINDS = ("latency", "stats", "detached", "torch_hooks")


def plain_hooks(model):
    times = []
    hs = []
    for m in model.modules():
        hs.append(m.register_forward_pre_hook(lambda mod, a: times.append(time.perf_counter_ns())))
        hs.append(m.register_forward_hook(lambda mod, a, o: times.append(time.perf_counter_ns())))
    return hs, times


def timed(step, n, out, cpu, after=None):
    """n steps; appends each one's wall time to out and adds the process's CPU time (every thread: the training
    thread and the agent's) to cpu[0]."""
    c = time.process_time()
    for _ in range(n):
        t = time.perf_counter()
        step()
        out.append(time.perf_counter() - t)
        if after is not None:
            after()
    cpu[0] += time.process_time() - c


def paired(step_a, step_b, block, after_b=None):
    """Blocks of `block` steps in the order a b b a b a a b: each model's steps have the same mean position (a
    linear drift of the host's load cancels) and follow a switch of model the same number of times (3: the
    first step after a switch runs with the other model's data in the caches).
    Returns (wall times of a, of b; CPU seconds of a, of b)."""
    ta, tb = [], []
    ca, cb = [0.0], [0.0]
    for which in "abbabaab":
        if which == "a":
            timed(step_a, block, ta, ca)
        else:
            timed(step_b, block, tb, cb, after_b)
    return ta, tb, ca[0], cb[0]


def bench(name, make_model, make_step, rounds, block, warm):
    torch.manual_seed(0)
    base = make_model()
    hooked = copy.deepcopy(base)
    opt_a = torch.optim.SGD(base.parameters(), lr=1e-4)
    opt_b = torch.optim.SGD(hooked.parameters(), lr=1e-4)
    step_a = make_step(base, opt_a)
    step_b = make_step(hooked, opt_b)
    agent = nntop_agent.attach(hooked, name=f"bench_{name}", verbose=False)
    env = dict(os.environ)
    ratios = {k: [] for k in KINDS}
    sums = {k: [0.0, 0.0] for k in KINDS}
    cpu = {k: [0.0, 0.0] for k in KINDS}
    times = {k: [] for k in KINDS + ("unhooked",)}
    stats_steps = [0, 0]
    credit = [0.0]  # the statistics budget carried from one stats phase to the next
    for _ in range(warm):
        step_a()
        step_b()

    def count_stats():
        stats_steps[0] += agent.profiler.detail
        stats_steps[1] += 1

    def phase(kind):
        viewer = hs = None
        after = None
        if kind in ("latency", "stats"):
            agent.profiler.stats_every = 0
            viewer = subprocess.Popen([sys.executable, "-c", VIEWER, agent.sock_path], env=env)
            deadline = time.time() + 30
            # the viewer's thread sets want_hooks, then adds the boundary hook: wait for both
            while not (agent.want_hooks and agent.profiler.boundary_handle is not None) and time.time() < deadline:
                time.sleep(0.01)
            for _ in range(warm):
                step_b()
            assert agent.profiler.installed
            if kind == "stats":
                # one continuous statistics run cut into phases: each phase resumes the budget where the last
                # one left it (the first starts like a fresh attach), so the measured steps sample the cycle of
                # statistics steps without bias
                agent.profiler.stats_every = 1
                agent.profiler.credit = credit[0]
                after = count_stats
        elif kind == "torch_hooks":
            hs, _ = plain_hooks(hooked)
            step_b()
        else:
            assert not agent.profiler.installed
        ta, tb, ca, cb = paired(step_a, step_b, block, after)
        if kind == "stats":
            credit[0] = agent.profiler.credit
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
        ratios[kind].append(sum(tb) / sum(ta))
        sums[kind][0] += sum(tb)
        sums[kind][1] += sum(ta)
        cpu[kind][0] += cb
        cpu[kind][1] += ca
        times[kind].extend(tb)
        times["unhooked"].extend(ta)

    for r in range(rounds):
        order = KINDS[r % len(KINDS):] + KINDS[:r % len(KINDS)]
        for k in order:
            phase(k)
    agent.close()
    return {"ratio_to_unhooked": {k: round(b / a, 4) for k, (b, a) in sums.items()},
            "ratio_median_phase": {k: round(statistics.median(v), 4) for k, v in ratios.items()},
            "cpu_ratio_to_unhooked": {k: round(b / a, 4) for k, (b, a) in cpu.items()},
            "ratio_per_phase": {k: [round(x, 4) for x in v] for k, v in ratios.items()},
            "median_ms": {k: round(statistics.median(v) * 1e3, 3) for k, v in times.items()},
            "steps_per_phase": 4 * block, "stats_steps": f"{stats_steps[0]} of {stats_steps[1]}",
            "dropped": agent.dropped}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=4,
                    help="attached steps per phase for GPT-2, a multiple of 4 (ResNet-18: 3x)")
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
            out[name] = bench(name, ResNet, lambda m, o: resnet18_step(m, 2, "cpu", o), a.rounds,
                              max(1, a.steps * 3 // 4), a.warm)
            out[name]["input"] = "2x3x64x64"
        elif name == "gpt2":
            out[name] = bench(name, GPT2LMHeadModel, lambda m, o: gpt2_step(m, 1, a.gpt2_seq, "cpu", o),
                              a.rounds, max(1, a.steps // 4), a.warm)
            out[name]["input"] = f"1x{a.gpt2_seq} tokens"
        else:
            raise SystemExit(f"unknown model {name}")
    out["seconds"] = round(time.time() - t0, 1)
    out["summary"] = {name: {k: [out[name][r][k] for r in ("ratio_to_unhooked", "ratio_median_phase",
                                                          "cpu_ratio_to_unhooked")]
                             for k in KINDS} for name in a.models.split(",") if name in out}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
