import json
import os
import shutil
import socket
import subprocess
import tempfile

from conftest import HERE, spawn, wait_for
from nntop_agent.client import Client, list_agents


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_two_gloo_ranks_show_both(monkeypatch):
    runtime = tempfile.mkdtemp(prefix="ntd", dir="/tmp")
    out = tempfile.mkdtemp(prefix="ntdo", dir="/tmp")
    p = spawn([os.path.join(HERE, "dist_script.py"), out, str(free_port())], runtime, out)
    try:
        ready = wait_for(lambda: all(os.path.exists(os.path.join(out, f"ready-{r}")) for r in (0, 1)), 90,
                         "both ranks")
        assert ready
        paths = {}
        for r in (0, 1):
            pid, path = open(os.path.join(out, f"ready-{r}")).read().split()
            paths[r] = (int(pid), path)
        assert paths[0][1] != paths[1][1]
        assert paths[0][1].endswith(f"nntop-{paths[0][0]}-r0.sock")
        assert paths[1][1].endswith(f"nntop-{paths[1][0]}-r1.sock")
        monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
        # The lister also reads /tmp/nntop-<uid>, where other processes of this user may have agents.
        listed = {a["rank"]: a for a in list_agents() if a["path"].startswith(runtime)}
        assert set(listed) == {0, 1}
        for r in (0, 1):
            with Client(path=paths[r][1]) as c:
                hello = c.wait_type("hello")
                assert hello["rank"] == r and hello["world_size"] == 2 and hello["pid"] == paths[r][0]
                snap = c.snapshot(lambda s: s["runner"]["forwards"] >= 2)
                assert {m["name"] for m in snap["modules"]} >= {"", "0", "1", "2"}
        # The Swift viewer merges the ranks: per-module p50 of each rank, the slowest rank, the skew.
        from test_viewer import nntop_binary
        env = dict(os.environ, XDG_RUNTIME_DIR=runtime)
        # Naming rank 0's pid selects its job: agents of other jobs on this machine stay out.
        merged = subprocess.run([nntop_binary(), "attach", str(paths[0][0]), "--ranks", "--json-once", "--timeout", "60"], env=env,
                                capture_output=True, text=True, timeout=120)
        assert merged.returncode == 0, merged.stderr
        doc = json.loads(merged.stdout)
        assert [r["rank"] for r in doc["ranks"]] == [0, 1]
        assert {r["pid"] for r in doc["ranks"]} == {paths[0][0], paths[1][0]}
        rows = {m["name"]: m for m in doc["modules"]}
        assert set(rows) == {"", "0", "1", "2"}
        for row in rows.values():
            assert len(row["p50_ms"]) == 2 and row["slowest_rank"] in (0, 1)
            assert row["p50_ms"][row["slowest_rank"]] == max(row["p50_ms"])
        assert all(p50 > 0 for p50 in rows[""]["p50_ms"])
        assert doc["skew"] >= 0 and doc["slowest_rank"] in (0, 1)
    finally:
        open(os.path.join(out, "stop"), "w").close()
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
        print(open(os.path.join(out, "stderr.txt")).read()[-3000:])
        shutil.rmtree(runtime, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    assert p.returncode == 0
