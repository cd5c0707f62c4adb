"""A real training process with the agent attached, driven by headless clients."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

from conftest import read_json, HERE, env_with, spawn, wait_for
from nntop_agent.client import Client, list_agents



@pytest.fixture(scope="module")
def proc():
    runtime = tempfile.mkdtemp(prefix="nte", dir="/tmp")
    out = tempfile.mkdtemp(prefix="nteo", dir="/tmp")
    p = spawn([os.path.join(HERE, "train_script.py"), out], runtime, out)
    os.environ["XDG_RUNTIME_DIR"] = runtime  # list_agents() looks here
    try:
        sock = wait_for(lambda: [a for a in list_agents() if a["pid"] == p.pid], 60, "the agent's socket")[0]
        wait_for(lambda: read_json(os.path.join(out, "state.json")), 60, "the first step")
        yield {"p": p, "out": out, "runtime": runtime, "sock": sock["path"]}
    finally:
        open(os.path.join(out, "stop"), "w").close()
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
        print(open(os.path.join(out, "stderr.txt")).read()[-3000:])
        shutil.rmtree(runtime, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


def state(proc):
    return read_json(os.path.join(proc["out"], "state.json"))


def wait_steps(proc, n, after=None):
    start = after if after is not None else state(proc)["step"]
    return wait_for(lambda: (lambda s: s if s and s["step"] >= start + n else None)(state(proc)), 60,
                    f"{n} more steps")


def test_socket_is_private(proc):
    st = os.stat(proc["sock"])
    assert st.st_mode & 0o777 == 0o600
    assert os.stat(os.path.dirname(proc["sock"])).st_mode & 0o777 == 0o700
    assert re.search(rf"nntop-{proc['p'].pid}-test\.sock$", proc["sock"])


def test_tree_matches_named_modules(proc):
    recs = read_json(os.path.join(proc["out"], "modules.json"))
    with Client(path=proc["sock"]) as c:
        hello = c.wait_type("hello")
        assert hello["pid"] == proc["p"].pid and hello["rank"] == 0 and hello["world_size"] == 1
        assert hello["name"] == "test" and hello["allow_mode"] is True
        tree = c.wait_type("tree")["tree"]
    rows = tree["modules"]
    assert [r["name"] for r in rows] == [r["name"] for r in recs]
    assert [r["class"] for r in rows] == [r["class"] for r in recs]
    for row, rec in zip(rows, recs):
        assert [p["name"] for p in row["params"]] == rec["params"]
        assert [[b["name"], b["persistent"]] for b in row["buffers"]] == rec["buffers"]
        if row["parent"] is not None:
            parent = rows[row["parent"]]["name"]
            assert row["name"].rsplit(".", 1)[0] == parent or ("." not in row["name"] and parent == "")
    by = {r["name"]: r for r in rows}
    # the tied head weight is the embedding's tensor, listed once
    assert by["heads.main"]["params"][0]["tensor"] == by["embed"]["params"][0]["tensor"]
    assert len(tree["parameters"]) == len({p["tensor"] for r in rows for p in r["params"]})
    assert tree["parameters"][by["embed"]["params"][0]["tensor"]]["name"] == "embed.weight"
    assert by["blocks.0.act"]["shared"] is True and by["blocks.0.fc"]["shared"] is False
    assert "blocks.1.act" not in by  # named_modules lists the shared module once


def test_snapshot_has_times_and_statistics(proc):
    with Client(path=proc["sock"]) as c:
        snap = c.snapshot(lambda s: s["runner"]["forwards"] >= 3 and s["runner"]["train_step"]
                          and any(m["backward"] for m in s["modules"])
                          and any(m["outputs"] and m["gradient"] for m in s["modules"] if m["name"] == "blocks.0.fc"),
                          timeout=60)
    mods = {m["name"]: m for m in snap["modules"]}
    root = mods[""]
    assert root["inclusive_ms"]["window"]["p50"] > 0
    # the shared ReLU runs three times per forward
    assert mods["blocks.0.act"]["calls_per_forward"] == pytest.approx(3.0)
    fc = mods["blocks.0.fc"]
    assert fc["self_ms"]["window"]["p50"] > 0
    assert fc["inclusive_ms"]["total"]["max"] >= fc["inclusive_ms"]["total"]["p50"]
    out = fc["outputs"][0]
    assert out["shape"] == [4, 8, 16] and out["numel"] == 512 and out["sampled"] == 512
    assert out["std"] > 0 and out["nan_count"] == 0
    # block self time excludes fc/norm/act; the root's self excludes everything inside
    b0 = mods["blocks.0"]
    assert b0["self_ms"]["window"]["mean"] < b0["inclusive_ms"]["window"]["mean"]
    assert snap["runner"]["losses"], "losses reported with nntop_agent.log"
    assert mods["blocks.0.fc"]["gradient"]["count"] == 16 * 16 + 16
    assert mods["blocks.0.fc"]["gradient"]["norm"] > 0
    assert any(m["backward"] and m["backward"]["inclusive_ms"]["window"]["p50"] > 0 for m in snap["modules"])
    assert snap["backward_nodes"]


def test_freeze_and_undo(proc):
    names = ["blocks.0.fc.weight", "blocks.0.fc.bias", "blocks.0.norm.weight", "blocks.0.norm.bias"]
    with Client(path=proc["sock"]) as c:
        c.wait_type("tree")
        r = c.command("set_requires_grad", module="blocks.0", value=False, timeout=60)
        assert r["ok"], r
        assert "will not update 4" in r["message"]
        assert sorted(p["name"] for p in r["parameters"]) == sorted(names)
        assert all(p["in_optimizer"] and p["will_update"] is False for p in r["parameters"])
        tree = c.wait_type("tree")["tree"]
        frozen = {p["name"]: p["requires_grad"] for p in tree["parameters"]}
        assert all(frozen[n] is False for n in names) and frozen["blocks.1.fc.weight"] is True
        s1 = wait_steps(proc, 2)
        s2 = wait_steps(proc, 3, s1["step"])
        for n in names:
            assert s2["params"][n][0] is False
            assert s2["params"][n][1] == s1["params"][n][1], f"{n} changed while frozen"
        assert s2["params"]["blocks.1.fc.weight"][1] != s1["params"]["blocks.1.fc.weight"][1]
        r = c.command("undo", timeout=60)
        assert r["ok"], r
        s3 = wait_steps(proc, 2)
        s4 = wait_steps(proc, 2, s3["step"])
        for n in names:
            assert s4["params"][n][0] is True
        assert s4["params"]["blocks.0.fc.weight"][1] != s3["params"]["blocks.0.fc.weight"][1]
        r = c.command("undo", timeout=60)
        assert not r["ok"] and "nothing to undo" in r["error"]


def test_bad_messages_get_errors(proc):
    with Client(path=proc["sock"]) as c:
        c.wait_type("tree")
        c.send_raw(b"this is not json\n")
        assert "not JSON" in c.wait_type("error")["error"]
        c.send_raw(b"[1, 2]\n")
        assert "not a JSON object" in c.wait_type("error")["error"]
        for verb, args, text in [("rm_rf", {}, "unknown verb"),
                                 ("set_requires_grad", {"module": "nope", "value": False}, "no module named"),
                                 ("set_requires_grad", {"module": "embed", "value": "no"}, "'value'"),
                                 ("set_requires_grad", {"value": True}, "'module'"),
                                 ("export", {"path": 3}, "'path'")]:
            r = c.command(verb, **args)
            assert r["ok"] is False and text in r["error"], r
        assert c.command("ping")["ok"]
        c.send_raw(b"{" + b" " * (1 << 20) + b"}\n")
        assert "1 MiB" in c.wait_type("error")["error"]
        wait_for(lambda: c.read(timeout=10) is None, 20, "the agent to drop an oversized connection")
    assert proc["p"].poll() is None
    wait_steps(proc, 1)


def test_tcp_token(proc):
    err = open(os.path.join(proc["out"], "stderr.txt")).read()
    m = re.search(r"listening on 127\.0\.0\.1:(\d+) token ([0-9a-f]+)", err)
    assert m
    port, token = int(m.group(1)), m.group(2)
    with Client(host="127.0.0.1", port=port, token="0" * len(token)) as c:
        msg = c.read(timeout=20)
        assert msg["type"] == "error" and "token" in msg["error"]
        assert c.read(timeout=20) is None
    with Client(host="127.0.0.1", port=port, token=token) as c:
        assert c.wait_type("hello")["pid"] == proc["p"].pid
        assert c.command("ping")["ok"]


def test_export_and_training_mode(proc):
    with Client(path=proc["sock"]) as c:
        assert c.wait_type("tree")["tree"]["training"] is True
        c.snapshot(lambda s: s["runner"]["forwards"] >= 1)
        path = os.path.join(proc["out"], "session.json")
        r = c.command("export", path=path)
        assert r["ok"] and r["message"] == path
        sess = read_json(path)
        assert sess["format"] == "nntop-session" and sess["schema_version"] == 1
        assert sess["tree"]["modules"][0]["class"] == "Custom" and sess["snapshot"]["runner"]["state"] == "recorded"
        assert not c.command("export", path=path)["ok"]  # never overwrites
        r = c.command("set_training", value=False, timeout=60)
        assert r["ok"]
        assert c.wait_type("tree")["tree"]["training"] is False
        assert c.command("set_training", value=True, timeout=60)["ok"]


def test_pause_removes_hooks(proc):
    with Client(path=proc["sock"]) as c:
        c.snapshot(lambda s: s["runner"]["forwards"] >= 1)
        assert c.command("pause")["ok"]
        snap = c.snapshot(lambda s: s["runner"]["state"] == "paused")
        n = snap["runner"]["forwards"]
        wait_steps(proc, 3)
        time.sleep(0.3)
        assert c.command("resume")["ok"]
        snap = c.snapshot(lambda s: s["runner"]["state"] == "running" and s["runner"]["forwards"] > n + 1)
        # at most the forward running when pause arrived was counted while paused
        assert snap["runner"]["forwards"] >= n


def test_sigkilled_viewer_then_second_viewer(proc):
    code = ("import sys,time; from nntop_agent.client import Client; c=Client(path=sys.argv[1]); "
            "c.wait_type('hello'); print('up', flush=True); time.sleep(60)")
    v = subprocess.Popen([sys.executable, "-c", code, proc["sock"]], env=env_with(proc["runtime"]),
                         stdout=subprocess.PIPE)
    assert v.stdout.readline().strip() == b"up"
    # a second viewer while one is attached is refused
    with Client(path=proc["sock"]) as c2:
        assert "another viewer" in c2.read(timeout=20)["error"]
    v.send_signal(signal.SIGKILL)
    v.wait()
    s = wait_steps(proc, 3)
    assert proc["p"].poll() is None
    wait_for(lambda: "viewer detached" in open(os.path.join(proc["out"], "stderr.txt")).read(), 20, "detach")
    with Client(path=proc["sock"]) as c:
        assert c.wait_type("hello")["pid"] == proc["p"].pid
        assert c.snapshot(lambda s: s["runner"]["forwards"] >= 2)["runner"]["state"] == "running"
    wait_steps(proc, 1, s["step"])


def test_json_once_cli(proc):
    env = env_with(proc["runtime"])
    out = subprocess.run([sys.executable, "-m", "nntop_agent.client", "--list"], env=env, capture_output=True,
                         text=True, timeout=60)
    assert str(proc["p"].pid) in out.stdout and "name=test" in out.stdout
    out = subprocess.run([sys.executable, "-m", "nntop_agent.client", "--json-once", str(proc["p"].pid)],
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["hello"]["type"] == "hello" and d["tree"]["modules"] and d["snapshot"]["modules"]
