"""The Swift viewer (`nntop attach`) against a real training process: headless (`--json-once`) and in tmux.
Needs the nntop binary: $NNTOP_BIN, or the repository's .build/debug/nntop (`swift build` makes it)."""
import json
import os
import shutil
import subprocess
import tempfile
import time

import pytest

from conftest import read_json, AGENT_ROOT, HERE, env_with, spawn, wait_for
from nntop_agent.client import list_agents

REPO = os.path.dirname(AGENT_ROOT)


def nntop_binary():
    path = os.environ.get("NNTOP_BIN") or os.path.join(REPO, ".build", "debug", "nntop")
    if not os.access(path, os.X_OK):
        pytest.fail(f"no nntop binary at {path}: run `swift build` first (or set NNTOP_BIN)")
    return path



@pytest.fixture
def training():
    runtime = tempfile.mkdtemp(prefix="ntv", dir="/tmp")
    out = tempfile.mkdtemp(prefix="ntvo", dir="/tmp")
    p = spawn([os.path.join(HERE, "train_script.py"), out], runtime, out)
    try:
        os.environ["XDG_RUNTIME_DIR"] = runtime
        wait_for(lambda: [a for a in list_agents() if a["pid"] == p.pid], 60, "the agent's socket")
        wait_for(lambda: read_json(os.path.join(out, "state.json")), 60, "the first step")
        yield {"p": p, "out": out, "env": env_with(runtime)}
    finally:
        open(os.path.join(out, "stop"), "w").close()
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
        shutil.rmtree(runtime, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


def test_json_once_tree_equals_named_modules(training):
    out = subprocess.run([nntop_binary(), "attach", str(training["p"].pid), "--json-once", "--timeout", "60"],
                         env=training["env"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    records = read_json(os.path.join(training["out"], "modules.json"))
    assert [r["name"] for r in doc["tree"]] == [r["name"] for r in records]
    assert [r["class"] for r in doc["tree"]] == [r["class"] for r in records]
    for row, rec in zip(doc["tree"], records):
        assert [p[0] for p in row["params"]] == rec["params"]
        assert [[b[0], b[3]] for b in row["buffers"]] == rec["buffers"]
    snapshot = doc["snapshot"]
    assert snapshot["runner"]["forwards"] > 0
    names = {m["name"]: m for m in snapshot["modules"]}
    assert names["blocks.0.act"]["calls_per_forward"] == 3, "the shared ReLU runs three times per forward"
    assert names["blocks.0.fc"]["inclusive_ms"]["window"]["p50"] > 0


def tmux(*args, capture=False):
    return subprocess.run(["tmux", *args], capture_output=capture, text=True, timeout=30, check=True).stdout


def screen(session):
    return tmux("capture-pane", "-t", session, "-p", capture=True)


def wait_screen(session, pred, timeout=60):
    return wait_for(lambda: (lambda s: s if pred(s) else None)(screen(session)), timeout, "the screen")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (scripts/setup installs it)")
def test_tmux_attach_shows_latencies_freezes_and_quits(training):
    session = f"nntop-attach-{os.getpid()}"
    env = " ".join(f"{k}={v}" for k, v in [("XDG_RUNTIME_DIR", training["env"]["XDG_RUNTIME_DIR"])])
    command = (f"env {env} {nntop_binary()} attach {training['p'].pid}; echo EXIT=$?; "
               "stty -a | tr ' ' '\\n' | grep -x -e '-*icanon' -e '-*echo'; sleep 30")
    tmux("new-session", "-d", "-s", session, "-x", "150", "-y", "40", command)
    try:
        shown = wait_screen(session, lambda s: "blocks" in s and "heads" in s and "running" in s
                            and any(("ms " in line or "µs " in line) and "Embedding" in line for line in s.splitlines()))
        assert "frozen 0" in shown
        # The first row below the root is `embed`: Space freezes it in the process.
        tmux("send-keys", "-t", session, "j", "Space")
        wait_screen(session, lambda s: "frozen 800" in s)
        step = wait_for(lambda: (lambda s: s if s and not s["params"]["embed.weight"][0] else None)(
            read_json(os.path.join(training["out"], "state.json"))), 60, "embed.weight frozen in the process")
        frozen_sum = step["params"]["embed.weight"][1]
        later = wait_for(lambda: (lambda s: s if s and s["step"] >= step["step"] + 3 else None)(
            read_json(os.path.join(training["out"], "state.json"))), 60, "three more steps")
        assert later["params"]["embed.weight"] == [False, frozen_sum], "a frozen parameter does not change"
        tmux("send-keys", "-t", session, "q")
        after = wait_screen(session, lambda s: "EXIT=" in s and s.rstrip().endswith("echo"))
        assert "EXIT=0" in after
        lines = after.splitlines()
        assert "icanon" in lines and "echo" in lines, "terminal restored"
        time.sleep(0.5)
        assert training["p"].poll() is None, "the process goes on after the viewer quit"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
