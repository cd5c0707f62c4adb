import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
AGENT_ROOT = os.path.dirname(HERE)


@pytest.fixture
def runtime_dir(monkeypatch):
    """A private XDG_RUNTIME_DIR (short: Unix socket paths are limited to 108 bytes)."""
    d = tempfile.mkdtemp(prefix="ntx", dir="/tmp")
    monkeypatch.setenv("XDG_RUNTIME_DIR", d)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def env_with(runtime):
    env = dict(os.environ)
    env["XDG_RUNTIME_DIR"] = runtime
    env["PYTHONPATH"] = AGENT_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONWARNINGS"] = "ignore"
    env.pop("RANK", None)
    env.pop("WORLD_SIZE", None)
    return env


def wait_for(pred, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise TimeoutError(f"timed out waiting for {what}")


def spawn(args, runtime, out_dir):
    err = open(os.path.join(out_dir, "stderr.txt"), "wb")
    return subprocess.Popen([sys.executable] + args, env=env_with(runtime), stdout=err, stderr=err,
                            cwd=out_dir)


def read_json(path):
    """The JSON a test script wrote, or None while it is missing or half written."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None
