"""A small headless client of the attach protocol (tests, scripts, `python -m nntop_agent.client`).

    python -m nntop_agent.client --list                 # live agents' sockets on this machine
    python -m nntop_agent.client --json-once PID        # hello + tree + first snapshot as one JSON object
    python -m nntop_agent.client --json-once PID --command '{"verb": "ping"}'
"""
import argparse
import glob
import json
import os
import re
import socket
import sys
import time
from nntop_agent._sockets import close_quietly

MAX_LINE = 64 << 20
_NAME = re.compile(r"nntop-(\d+)(?:-r(\d+))?(?:-([A-Za-z0-9_.]+))?\.sock$")


def socket_dirs():
    out = []
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    if xdg:
        out.append(os.path.join(xdg, "nntop"))
    out.append(f"/tmp/nntop-{os.getuid()}")
    return out


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def list_agents():
    """[{"path", "pid", "rank", "name"}] of sockets whose process is alive."""
    seen = set()
    out = []
    for d in socket_dirs():
        for path in sorted(glob.glob(os.path.join(d, "nntop-*.sock"))):
            m = _NAME.search(os.path.basename(path))
            if not m or path in seen:
                continue
            seen.add(path)
            pid = int(m.group(1))
            if _alive(pid):
                out.append({"path": path, "pid": pid, "rank": int(m.group(2)) if m.group(2) else None,
                            "name": m.group(3)})
    return out


def find_socket(pid, rank=None, name=None):
    cands = [a for a in list_agents() if a["pid"] == pid and (rank is None or a["rank"] == rank)
             and (name is None or a["name"] == name)]
    if not cands:
        raise FileNotFoundError(f"no nntop agent socket for pid {pid} in {', '.join(socket_dirs())}")
    if len(cands) > 1:
        raise ValueError(f"pid {pid} has several agents: {', '.join(c['path'] for c in cands)}")
    return cands[0]["path"]


class Client:
    def __init__(self, pid=None, path=None, host=None, port=None, token=None, rank=None, name=None, timeout=30.0):
        if path is None and host is None:
            if pid is None:
                raise ValueError("give pid, path or host:port")
            path = find_socket(pid, rank, name)
        if path is not None:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            self.sock.connect(path)
        else:
            self.sock = socket.create_connection((host, port), timeout=timeout)
            self.send_obj({"schema_version": 1, "type": "auth", "token": token or ""})
        self.buf = b""
        self.next_id = 1
        self.backlog = []

    # raw I/O
    def send_raw(self, data: bytes):
        self.sock.sendall(data)

    def send_obj(self, obj):
        self.send_raw((json.dumps(obj) + "\n").encode())

    def read(self, timeout=None):
        """The next message (a dict), None at EOF."""
        if self.backlog:
            return self.backlog.pop(0)
        if timeout is not None:
            self.sock.settimeout(timeout)
        while b"\n" not in self.buf:
            try:
                chunk = self.sock.recv(1 << 20)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return None
            self.buf += chunk
            if len(self.buf) > MAX_LINE:
                raise ValueError("agent line exceeds 64 MiB")
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def wait(self, pred, timeout=30.0):
        """Reads until a message satisfies pred (other messages are kept for later reads of other kinds only
        when they are replies/trees/errors; snapshots are skipped)."""
        deadline = time.monotonic() + timeout
        keep = []
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no matching message from the agent")
                if self.backlog:
                    msg = self.backlog.pop(0)
                else:
                    self.sock.settimeout(left)
                    msg = self.read()
                if msg is None:
                    raise ConnectionError("the agent closed the connection")
                if pred(msg):
                    return msg
                if msg.get("type") in ("reply", "error", "tree"):
                    keep.append(msg)
        finally:
            self.backlog = keep + self.backlog

    def wait_type(self, type_, timeout=30.0):
        return self.wait(lambda m: m.get("type") == type_, timeout)

    def send(self, verb, **args):
        cid = self.next_id
        self.next_id += 1
        self.send_obj(dict({"schema_version": 1, "type": "command", "id": cid, "verb": verb}, **args))
        return cid

    def command(self, verb, timeout=30.0, **args):
        cid = self.send(verb, **args)
        return self.wait(lambda m: m.get("type") == "reply" and m.get("id") == cid, timeout)

    def snapshot(self, pred=lambda s: True, timeout=30.0):
        return self.wait(lambda m: m.get("type") == "snapshot" and pred(m["snapshot"]), timeout)["snapshot"]

    def close(self):
        close_quietly(self.sock)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m nntop_agent.client")
    ap.add_argument("--list", action="store_true", help="list live agents' sockets")
    ap.add_argument("--json-once", metavar="PID", type=int, help="print hello, tree and the first snapshot")
    ap.add_argument("--socket", help="connect to this socket path instead of a pid")
    ap.add_argument("--tcp", metavar="HOST:PORT")
    ap.add_argument("--token")
    ap.add_argument("--rank", type=int)
    ap.add_argument("--name")
    ap.add_argument("--command", action="append", default=[], help="a JSON command object to send (with --json-once)")
    ap.add_argument("--timeout", type=float, default=30.0)
    a = ap.parse_args(argv)
    if a.list:
        for ag in list_agents():
            print(f"{ag['pid']}\trank={ag['rank'] if ag['rank'] is not None else '-'}\t"
                  f"name={ag['name'] or '-'}\t{ag['path']}")
        return 0
    if a.json_once is None and a.socket is None and a.tcp is None:
        ap.error("give --list, --json-once PID, --socket PATH or --tcp HOST:PORT")
    host = port = None
    if a.tcp:
        host, _, p = a.tcp.rpartition(":")
        port = int(p)
    try:
        c = Client(pid=a.json_once, path=a.socket, host=host, port=port, token=a.token, rank=a.rank, name=a.name,
                   timeout=a.timeout)
        out = {"hello": c.wait_type("hello", a.timeout), "tree": c.wait_type("tree", a.timeout)["tree"]}
        replies = []
        for text in a.command:
            cmd = json.loads(text)
            verb = cmd.pop("verb")
            replies.append(c.command(verb, a.timeout, **cmd))
        if replies:
            out["replies"] = replies
        out["snapshot"] = c.snapshot(lambda s: s["runner"]["forwards"] > 0, a.timeout)
        c.close()
    except (OSError, ValueError, TimeoutError, ConnectionError) as e:
        print(f"nntop_agent.client: {e}", file=sys.stderr)
        return 1
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
