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


def test_two_gloo_ranks_show_both():
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
        os.environ["XDG_RUNTIME_DIR"] = runtime
        listed = {a["rank"]: a for a in list_agents()}
        assert set(listed) == {0, 1}
        for r in (0, 1):
            with Client(path=paths[r][1]) as c:
                hello = c.wait_type("hello")
                assert hello["rank"] == r and hello["world_size"] == 2 and hello["pid"] == paths[r][0]
                snap = c.snapshot(lambda s: s["runner"]["forwards"] >= 2)
                assert {m["name"] for m in snap["modules"]} >= {"", "0", "1", "2"}
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
