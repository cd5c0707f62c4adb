"""In-process tests: socket directory checks, the tree, statistics, hook lifetime, timing semantics."""
import math
import os
import subprocess
import sys
import tempfile
import time

import pytest
import torch
from torch import nn

import nntop_agent
from conftest import HERE, env_with, wait_for
from nntop_agent._stats import activation_stats, gradient_stats
from nntop_agent._tree import build_tree
from nntop_agent.client import Client


def hook_count(model):
    return sum(len(m._forward_pre_hooks) + len(m._forward_hooks) for m in model.modules()) + \
        sum(len(getattr(p, "_post_accumulate_grad_hooks", None) or {}) for p in model.parameters())


def test_group_accessible_directory_is_refused(runtime_dir):
    os.mkdir(os.path.join(runtime_dir, "nntop"), 0o755)
    os.chmod(os.path.join(runtime_dir, "nntop"), 0o755)
    with pytest.raises(nntop_agent.AgentError, match="group/world access refused"):
        nntop_agent.attach(nn.Linear(2, 2), verbose=False)


def test_symlinked_directory_is_refused(runtime_dir):
    real = tempfile.mkdtemp(dir=runtime_dir)
    os.symlink(real, os.path.join(runtime_dir, "nntop"))
    with pytest.raises(nntop_agent.AgentError, match="not a directory"):
        nntop_agent.attach(nn.Linear(2, 2), verbose=False)


def test_directory_is_created_private(runtime_dir):
    a = nntop_agent.attach(nn.Linear(2, 2), name="mk", verbose=False)
    try:
        assert os.stat(os.path.join(runtime_dir, "nntop")).st_mode & 0o777 == 0o700
        assert os.stat(a.sock_path).st_mode & 0o777 == 0o600
    finally:
        a.close()
    assert not os.path.exists(a.sock_path)


def test_tree_lazy_shared_tied_buffers():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.lazy = nn.LazyLinear(4)
            self.a = nn.Linear(4, 4)
            self.b = self.a  # the same module under two names
            self.head = nn.Linear(4, 4, bias=False)
            self.head.weight = self.a.weight
            self.register_buffer("tmp", torch.zeros(2), persistent=False)
    m = M()
    tree, owners = build_tree(m, "test")
    rows = {r["name"]: r for r in tree["modules"]}
    assert list(rows) == [n for n, _ in m.named_modules()]
    assert rows["lazy"]["lazy"] is True and rows["a"]["lazy"] is False
    lazy_w = tree["parameters"][rows["lazy"]["params"][0]["tensor"]]
    assert lazy_w["shape"] is None and lazy_w["name"] == "lazy.weight"
    assert rows["a"]["shared"] is True and "b" not in rows
    assert rows["head"]["params"][0]["tensor"] == rows["a"]["params"][0]["tensor"]
    assert rows[""]["buffers"] == [{"name": "tmp", "shape": [2], "dtype": "float32", "device": "cpu",
                                    "persistent": False}]
    assert len(tree["parameters"]) == len(list(m.parameters()))


def test_activation_statistics_match_torch():
    x = torch.randn(3, 50)
    x[0, 0] = 0.0
    n, k, p = activation_stats(x)
    mean, std, mn, mx, zeros, nans, infs = p.get()
    assert (n, k) == (150, 150)
    assert mean == pytest.approx(x.double().mean().item()) and std == pytest.approx(x.double().std().item())
    assert (mn, mx) == (x.min().item(), x.max().item()) and zeros >= 1 and nans == 0 and infs == 0
    big = torch.ones(1 << 18)
    big[5] = float("nan")
    n, k, p = activation_stats(big, limit=1 << 16)
    assert n == 1 << 18 and k == 1 << 16
    v = p.get()
    assert v[0] == 1.0 and v[5] == 0  # element 5 is not on the stride-4 sample
    big[8] = float("inf")
    v = activation_stats(big, limit=1 << 16)[2].get()
    assert v[6] == 1 and v[0] == math.inf
    g = torch.tensor([3.0, -4.0])
    cnt, sq, s, amax, nans, infs = gradient_stats(g).get()
    assert (cnt, sq, s, amax, nans, infs) == (2, 25.0, -1.0, 4.0, 0, 0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(32, 32)
        self.b = nn.Sequential(nn.Linear(32, 32), nn.Tanh())

    def forward(self, x):
        for _ in range(200):  # functional work of the root itself
            x = x * 1.0
        return self.b(self.a(x))


def test_hooks_only_while_a_viewer_is_attached(runtime_dir):
    m = Net()
    agent = nntop_agent.attach(m, verbose=False)
    try:
        x = torch.randn(4, 32)
        m(x).sum().backward()
        assert hook_count(m) == 0, "no hook before a viewer connects"
        with Client(path=agent.sock_path) as c:
            c.wait_type("tree")
            wait_for(lambda: agent.want_hooks, 10, "attach")
            for _ in range(5):
                m(x).sum().backward()
            assert hook_count(m) > 0
            snap = c.snapshot(lambda s: s["runner"]["forwards"] >= 4)
            mods = {mm["name"]: mm for mm in snap["modules"]}
            root = mods[""]
            # self = inclusive minus the calls inside: the root's self time is its own 200 multiplications
            incl = root["inclusive_ms"]["window"]["mean"]
            assert root["self_ms"]["window"]["mean"] == pytest.approx(
                incl - mods["a"]["inclusive_ms"]["window"]["mean"] - mods["b"]["inclusive_ms"]["window"]["mean"],
                rel=1e-6, abs=1e-6)
            total_self = sum(mm["self_ms"]["window"]["mean"] for mm in snap["modules"])
            assert total_self == pytest.approx(incl, rel=1e-6)
            assert mods["b"]["inclusive_ms"]["window"]["mean"] >= mods["b.1"]["inclusive_ms"]["window"]["mean"]
            assert c.command("pause")["ok"]
            m(x)
            assert hook_count(m) == 0, "paused: every hook removed"
            assert c.command("resume")["ok"]
            m(x)
            m(x)
            assert hook_count(m) > 0
        wait_for(lambda: not agent.want_hooks and agent.conn is None, 10, "detach")
        m(x)
        assert hook_count(m) == 0, "detached: every hook removed at the next forward"
    finally:
        agent.close()


def test_failed_forward_names_the_module(runtime_dir):
    class Bad(nn.Module):
        def __init__(self):
            super().__init__()
            self.ok = nn.Linear(2, 2)
            self.boom = nn.Linear(3, 3)

        def forward(self, x):
            return self.boom(self.ok(x))
    m = Bad()
    agent = nntop_agent.attach(m, verbose=False)
    try:
        with Client(path=agent.sock_path) as c:
            c.wait_type("tree")
            wait_for(lambda: agent.want_hooks, 10, "attach")
            m.ok(torch.zeros(1, 2))
            for _ in range(2):
                with pytest.raises(RuntimeError):
                    m(torch.zeros(1, 2))
            m.boom(torch.zeros(1, 3))  # outside the root: not recorded
            with pytest.raises(RuntimeError):
                m(torch.zeros(1, 2))
            snap = c.snapshot(lambda s: s["failed_module"] is not None)
            assert snap["failed_module"] == "boom"
    finally:
        agent.close()


def test_queue_drops_instead_of_blocking(runtime_dir):
    agent = nntop_agent.attach(nn.Linear(2, 2), queue_size=2, verbose=False)
    try:
        for _ in range(5):
            agent.profiler.push(("failed", "x"))
        assert agent.dropped == 3
    finally:
        agent.close()


def test_python_m_runner_attaches_to_first_module(runtime_dir):
    script = os.path.join(runtime_dir, "user_script.py")
    with open(script, "w") as f:
        f.write("import sys, time, torch\nfrom torch import nn\n"
                "m = nn.Sequential(nn.Linear(4, 4), nn.ReLU())\n"
                "assert sys.argv[1:] == ['--flag', 'x']\n"
                "t = time.time() + 60\n"
                "while time.time() < t:\n    m(torch.randn(2, 4)); time.sleep(0.01)\n")
    p = subprocess.Popen([sys.executable, "-m", "nntop_agent", "--name", "runner", script, "--flag", "x"],
                         env=env_with(runtime_dir), stderr=subprocess.PIPE)
    try:
        sock = os.path.join(runtime_dir, "nntop", f"nntop-{p.pid}-runner.sock")
        wait_for(lambda: os.path.exists(sock), 60, "the runner's socket")
        with Client(path=sock) as c:
            tree = c.wait_type("tree")["tree"]
            assert tree["name"] == "Sequential" and [r["name"] for r in tree["modules"]] == ["", "0", "1"]
            snap = c.snapshot(lambda s: s["runner"]["forwards"] >= 2)
            assert {m["name"] for m in snap["modules"]} == {"", "0", "1"}
    finally:
        p.kill()
        p.wait()


def test_second_agent_needs_its_own_name(runtime_dir):
    m = nn.Linear(2, 2)
    a = nntop_agent.attach(m, verbose=False)
    try:
        with pytest.raises(nntop_agent.AgentError, match="name="):
            nntop_agent.attach(m, verbose=False)
        b = nntop_agent.attach(m, name="second", verbose=False)
        b.close()
    finally:
        a.close()


class FakeEvent:
    """Stands in for torch.cuda.Event on CPU: record() reads the clock; completes at once."""

    def __init__(self, enable_timing=False):
        self.t = None

    def record(self, stream=None):
        self.t = time.perf_counter_ns()

    def query(self):
        return self.t is not None

    def elapsed_time(self, end):
        return (end.t - self.t) / 1e6


def test_cuda_event_path_with_fake_events(runtime_dir, monkeypatch):
    """The CUDA code path (event pairs read later by the sender thread) run on CPU with stand-in events."""
    monkeypatch.setattr(torch.cuda, "Event", FakeEvent)
    m = Net()
    agent = nntop_agent.attach(m, verbose=False, stats_budget=100.0)
    agent.cuda = agent.profiler.cuda = True
    try:
        with Client(path=agent.sock_path) as c:
            c.wait_type("tree")
            wait_for(lambda: agent.want_hooks, 10, "attach")
            x = torch.randn(4, 32)
            agent.profiler.stats_every = 2  # every other step is a statistics step (not timed on CUDA)
            for _ in range(6):
                m(x).sum().backward()
            snap = c.snapshot(lambda s: s["runner"]["forwards"] >= 6 and s["runner"]["last_backward_ms"])
            mods = {mm["name"]: mm for mm in snap["modules"]}
            assert mods[""]["inclusive_ms"]["window"]["p50"] > 0
            assert len(mods[""]["history_ms"]) == 3  # the three non-statistics forwards were timed
            assert mods["b.0"]["outputs"] and mods["a"]["gradient"]["count"] == 32 * 32 + 32
            assert mods["a"]["backward"]["inclusive_ms"]["window"]["p50"] > 0
            assert snap["runner"]["last_backward_ms"] > 0
            assert agent.profiler.event_pool, "events are recycled"
    finally:
        agent.close()


def test_forward_log_pairing():
    """The hooks' flat log: (i, t) where row i's call starts, (~i, t) where it ends, (n, ns) a statistics cost;
    a call that raised and was caught never ends. The repeated-structure fast path agrees with the general one."""
    from nntop_agent._aggregate import Aggregator, parse_log
    n = 4
    # root(0) { 1 { 2 (raised, caught) } [stats 30 ns] 3 }, twice 3 in a row
    log = [0, 1000, 1, 1100, 2, 1150, n, 30, ~1, 1300, 3, 1400, ~3, 1450, 3, 1500, ~3, 1600, ~0, 2000]
    rows, parents, incl, prepos = parse_log(log, n)
    assert rows == [0, 1, 2, 3, 3] and parents == [-1, 0, 1, 0, 0]
    assert incl[2] is None  # raised
    assert incl[1] == pytest.approx((1300 - 1100 - 30) / 1e6) and incl[0] == pytest.approx((2000 - 1000 - 30) / 1e6)
    assert prepos == {0: 0, 2: 1, 4: 2, 10: 3, 14: 4}
    plain = [x for pair in zip(log[0::2], log[1::2]) if pair[0] != n for x in pair]
    fast = Aggregator([str(i) for i in range(n)], [[]] * n, 8, [], print)
    slow = Aggregator([str(i) for i in range(n)], [[]] * n, 8, [], print)
    for shift in (0, 10_000, 20_000):  # the same structure three times: the second and third reuse the plan
        rec = [x + shift if k % 2 else x for k, x in enumerate(plain)]
        fast._forward(("fwd", 0, rec, None, False, 0, 0))
        slow._forward(("fwd", 0, rec, None, True, 0, 0))  # a statistics forward takes the general path
    for a, b in zip(fast.mods, slow.mods):
        assert a.calls == b.calls
        assert list(a.incl.window) == pytest.approx(list(b.incl.window))
        assert list(a.self_.window) == pytest.approx(list(b.self_.window))
    assert fast.mods[3].calls == 6 and fast.mods[3].incl.window[-1] == pytest.approx((50 + 100) / 1e6)
    assert fast.mods[0].self_.window[-1] == pytest.approx((1000 - 200 - 150) / 1e6)
    # the snapshot line assembled from cached texts says what snapshot() says
    import json
    line = json.loads(fast.snapshot_line("running", None, 0, [1.5], pause=lambda: None, piece=0.0))
    assert line["type"] == "snapshot" and line["schema_version"] == 1
    snap = json.loads(json.dumps(fast.snapshot("running", None, 0, [1.5])))
    line["snapshot"]["runner"]["runs_per_second"] = snap["runner"]["runs_per_second"]  # a clock apart
    assert line["snapshot"] == snap and [m["name"] for m in snap["modules"]] == ["0", "1", "2", "3"]
