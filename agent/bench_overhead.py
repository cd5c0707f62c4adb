"""Step-time overhead of the agent on CPU: ResNet-18-shaped and GPT-2-small-shaped training steps.

One model is measured with and without each configuration, in phases of blocks of steps in the order ABBABAAB
(A: no hook on the model, B: the configuration; the load of a shared host and a linear drift cancel out). It is
one model, not an unhooked copy next to a hooked one: two copies of the same model ran up to 16 % apart here
with no hook on either (where their tensors landed in memory, different in every process), far above the
effects measured. Blocks of a few steps, not single alternating steps, so the attached model runs as in a
training loop: the agent's time-based work (the statistics budget, a fraction of the time between the model's
steps; the viewer's snapshots, every 200 ms or slower) stays in its own steps. Blocks: ResNet-18 6 steps,
GPT-2 2 steps (--steps 8: 8 configuration steps per GPT-2 phase, 24 per ResNet-18 phase).

Configurations, in rotating order per round:
  latency        a viewer connected, statistics off (stats_every=0); A blocks: the viewer paused the agent
                 (`pause`: every hook removed, the root's boundary hook too), B blocks: resumed
  stats          the same with statistics on (stats_every=1, the default budget). The statistics budget runs on
                 across blocks and phases as in one continuous run, so the B steps hold statistics steps at
                 their steady rate
  detached       the viewer has left: no hook at all (asserted) in A and B alike, so this ratio is the noise floor
                 of the method (the target: 1.00)
  torch_hooks    reference: B blocks with plain forward pre/post hooks on every module reading perf_counter_ns
Everything the agent does in B steps is in them: the first B step after a resume installs the hooks, a
statistics step can be any B step, the snapshot announcing "running" is sent during B. Not in A: the step after
a pause that removes the hooks, and the snapshot announcing "paused" (the bench waits for it before A starts).
The viewer is a separate process that reads the agent's lines, as nntop would, and sends pause/resume.

Prints one JSON object, per model:
  ratio_to_unhooked   total time of B steps / total time of A steps, over all phases (statistics steps count at
                      their real, amortized cost)
  ratio_median_phase  the median over the phases of the same ratio per phase (robust to a burst of load)
  cpu_ratio_to_unhooked  the same total ratio with the process's CPU time (all its threads: the agent's sender
                      thread included) instead of wall time: what the agent costs in CPU, less sensitive to
                      other processes' load than wall time (which stays the figure the targets are about)
  ratio_per_phase     every phase's ratio; median_ms the median step times; stats_steps how many of the B
                      steps of the stats phases were statistics steps
Ratios side by side in `summary`: per configuration [ratio_to_unhooked, ratio_median_phase,
cpu_ratio_to_unhooked].

    python agent/bench_overhead.py [--rounds 5] [--steps 8] [--models resnet18,gpt2]
"""
import argparse
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

# reads the agent's lines (printing "paused"/"running" when a snapshot says the state changed) and sends each
# verb read on stdin as a command
VIEWER = r'''
import json, socket, sys, threading
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
def read():
    buf, state = b"", None
    while True:
        data = s.recv(1 << 20)
        if not data:
            break
        buf += data
        *lines, buf = buf.split(b"\n")
        for line in lines:
            if b'"type":"snapshot"' in line:
                st = b"paused" if b'"state":"paused"' in line else b"running"
                if st != state:
                    state = st
                    sys.stdout.buffer.write(st + b"\n")
                    sys.stdout.flush()
threading.Thread(target=read, daemon=True).start()
for n, line in enumerate(sys.stdin):
    s.sendall(json.dumps({"schema_version": 1, "type": "command", "id": n, "verb": line.strip()}).encode() + b"\n")
'''
KINDS = ("latency", "stats", "detached", "torch_hooks")


class Viewer:
    def __init__(self, agent):
        self.agent = agent
        self.p = subprocess.Popen([sys.executable, "-c", VIEWER, agent.sock_path], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE)
        self.wait(lambda: agent.want_hooks and agent.profiler.boundary_handle is not None, "the viewer")

    def wait(self, pred, what, timeout=60):
        deadline = time.time() + timeout
        while not pred():
            if time.time() > deadline:
                raise TimeoutError(f"timed out waiting for {what}")
            time.sleep(0.002)

    def command(self, verb):
        self.p.stdin.write(verb.encode() + b"\n")
        self.p.stdin.flush()

    def state(self, want):
        """Waits until the viewer saw a snapshot with state `want` (paused/running)."""
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise RuntimeError("the viewer exited")
            if line.strip().decode() == want:
                return

    def pause(self, step):
        self.command("pause")
        self.wait(lambda: not self.agent.want_hooks, "pause")
        self.state("paused")
        step()  # removes every hook (not timed)
        assert not self.agent.profiler.installed and self.agent.profiler.boundary_handle is None

    def resume(self):
        self.command("resume")
        self.wait(lambda: self.agent.want_hooks and self.agent.profiler.boundary_handle is not None, "resume")

    def close(self, step):
        self.p.kill()
        self.p.wait()
        self.wait(lambda: self.agent.conn is None, "the agent to see the viewer leave")
        step()  # removes every hook if any
        assert not self.agent.profiler.installed


def plain_hooks(model):
    times = []
    hs = []
    for m in model.modules():
        hs.append(m.register_forward_pre_hook(lambda mod, a: times.append(time.perf_counter_ns())))
        hs.append(m.register_forward_hook(lambda mod, a, o: times.append(time.perf_counter_ns())))
    return hs


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


def bench(name, make_model, make_step, rounds, block, warm):
    torch.manual_seed(0)
    model = make_model()
    step = make_step(model, torch.optim.SGD(model.parameters(), lr=1e-4))
    agent = nntop_agent.attach(model, name=f"bench_{name}", verbose=False)
    ratios = {k: [] for k in KINDS}
    sums = {k: [0.0, 0.0] for k in KINDS}
    cpu = {k: [0.0, 0.0] for k in KINDS}
    times = {k: [] for k in KINDS + ("unhooked",)}
    stats_steps = [0, 0]
    for _ in range(warm):
        step()

    def count_stats():
        stats_steps[0] += agent.profiler.detail
        stats_steps[1] += 1

    def phase(kind):
        viewer = None
        hs = []
        after = None
        if kind in ("latency", "stats"):
            agent.profiler.stats_every = 0 if kind == "latency" else 1
            viewer = Viewer(agent)
            if kind == "stats":
                after = count_stats
        else:
            assert not agent.profiler.installed and agent.profiler.boundary_handle is None
        ta, tb = [], []
        ca, cb = [0.0], [0.0]
        state = "b"  # a new viewer: hooks come at the next step
        for which in "abbabaab":
            if which != state:
                if kind == "torch_hooks":
                    if which == "b":
                        hs = plain_hooks(model)
                    else:
                        for h in hs:
                            h.remove()
                elif viewer is not None:
                    if which == "a":
                        viewer.pause(step)
                    else:
                        viewer.resume()
                state = which
            if which == "a":
                timed(step, block, ta, ca)
            else:
                timed(step, block, tb, cb, after)
        for h in hs:
            h.remove()
        if viewer is not None:
            viewer.close(step)
        ratios[kind].append(sum(tb) / sum(ta))
        sums[kind][0] += sum(tb)
        sums[kind][1] += sum(ta)
        cpu[kind][0] += cb[0]
        cpu[kind][1] += ca[0]
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
    ap.add_argument("--steps", type=int, default=8,
                    help="configuration steps per phase for GPT-2, a multiple of 4 (ResNet-18: 3x)")
    ap.add_argument("--warm", type=int, default=1)
    ap.add_argument("--models", default="resnet18,gpt2")
    ap.add_argument("--gpt2-seq", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads (1: steadier on a shared host)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "rounds": a.rounds}
    t0 = time.time()
    names = a.models.split(",")
    for name in names:
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
                             for k in KINDS} for name in names}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
