"""The agent: a listener thread, one viewer connection at a time, commands applied between steps."""
import atexit
import collections
import hmac
import json
import os
import queue
import re
import secrets
import socket
import stat
import struct
import sys
import threading
import time
import weakref

import torch

from . import __version__
from ._aggregate import Aggregator
from ._json import SCHEMA_VERSION, dumps_line, message
from ._profiler import Profiler
from ._stats import Pending, _finish
from ._tree import build_tree, default_device, module_list, unique_parameters
from ._sockets import close_quietly

MAX_LINE = 1 << 20
SNAPSHOT_EVERY = 0.2
SNAPSHOT_CPU_SHARE_INV = 200  # snapshots take at most 1/200 of a core
VERBS = ("set_requires_grad", "undo", "pause", "resume", "set_training", "export", "ping")

_current = None
_active_paths = set()
_active_lock = threading.Lock()


def _yield_gil():
    """Releases the GIL long enough for a waiting training thread to take it (a bare sleep(0) may not)."""
    time.sleep(0.0002)


class AgentError(RuntimeError):
    """The agent could not start (an unsafe socket directory, a bad argument)."""


def rank_info():
    try:
        import torch.distributed as dist
        if dist.is_available() and dist.is_initialized():
            return dist.get_rank(), dist.get_world_size()
    except Exception:
        pass
    try:
        return int(os.environ.get("RANK", "0")), int(os.environ.get("WORLD_SIZE", "1"))
    except ValueError:
        return 0, 1


def socket_dir(create=True):
    """The private directory of docs/schema.md, checked for owner and mode (created 0700 when missing)."""
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    path = os.path.join(xdg, "nntop") if xdg else f"/tmp/nntop-{os.getuid()}"
    if create:
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
    st = os.lstat(path)
    if not stat.S_ISDIR(st.st_mode):
        raise AgentError(f"{path} is not a directory (a symlink or file is refused)")
    if st.st_uid != os.geteuid():
        raise AgentError(f"{path} belongs to uid {st.st_uid}, not to this user ({os.geteuid()}): refused")
    if st.st_mode & 0o077:
        raise AgentError(f"{path} has mode {oct(st.st_mode & 0o777)}: group/world access refused (chmod 700 it)")
    return path


def socket_name(pid, rank, world_size, name):
    parts = [f"nntop-{pid}"]
    if world_size > 1 or "RANK" in os.environ:
        parts.append(f"r{rank}")
    if name:
        parts.append(name)
    return "-".join(parts) + ".sock"


class _Conn:
    def __init__(self, sock, kind, wake=None):
        self.sock = sock
        self.kind = kind
        self.wake = wake
        self.wlock = threading.Lock()
        self.outbox = queue.SimpleQueue()
        self.closed = threading.Event()
        self.slock = threading.Lock()
        self.sock_closed = False
        self.buf = b""

    def post(self, obj):
        """Queues a line for the sender thread and wakes it."""
        self.outbox.put(obj)
        if self.wake is not None:
            self.wake()

    def send(self, obj):
        return self.send_bytes(dumps_line(obj))

    def send_bytes(self, data):
        with self.wlock:
            if self.closed.is_set():
                return False
            try:
                self.sock.sendall(data)
                return True
            except OSError:
                self.close()
                return False

    def close(self):
        self.closed.set()
        with self.slock:
            if self.sock_closed:
                return
            self.sock_closed = True
            close_quietly(self.sock)

    def readline(self):
        """One line (bytes without the newline), None at EOF; raises ValueError past MAX_LINE."""
        while True:
            i = self.buf.find(b"\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 1:]
                if len(line) > MAX_LINE:
                    raise ValueError(f"line of {len(line)} bytes exceeds 1 MiB")
                return line
            if len(self.buf) > MAX_LINE:
                raise ValueError("line exceeds 1 MiB")
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise
            except OSError:
                return None
            if not chunk:
                return None
            self.buf += chunk


class Agent:
    """Returned by `attach`. `log(loss=...)` reports losses; `watch_optimizer(opt)` lets `set_requires_grad`
    say what the optimizer will update; `close()` stops listening and removes every hook."""

    def __init__(self, model, name=None, tcp=False, allow_mode=False, stats_every=1, stats_budget=0.05,
                 window=64, sample_limit=1 << 16, queue_size=64, source=None, verbose=True):
        if not isinstance(model, torch.nn.Module):
            raise AgentError(f"attach() needs an nn.Module, got {type(model).__name__}")
        if name is not None and not re.fullmatch(r"[A-Za-z0-9_.]{1,64}", str(name)):
            raise AgentError(f"name {name!r}: use 1-64 letters, digits, '_' or '.'")
        if not isinstance(stats_every, int) or stats_every < 0:
            raise AgentError("stats_every must be an int >= 0 (0: no statistics)")
        self.model = model
        self.name = name
        self.allow_mode = bool(allow_mode)
        self.verbose = verbose
        self.window = int(window)
        self.pid = os.getpid()
        self.source = source or f"attach:{self.pid}"
        self.rank, self.world_size = rank_info()
        self.want_hooks = False
        self.paused = False
        self.pending = collections.deque()
        self.undo_stack = []
        self.optimizers = []
        self.losses = collections.deque(maxlen=64)
        self.loss_pending = collections.deque(maxlen=256)
        self.lock = threading.RLock()
        self.conn = None
        self.closed = False
        self.tree_dirty = False
        self.modules = module_list(model)
        self.names = [n for n, _ in self.modules]
        self.by_name = dict(self.modules)
        # The viewer names parameters by their first qualified name, as the tree lists them.
        self.param_by_name = dict(unique_parameters(model))
        tree, owners = build_tree(model, self.source)
        self.owners = owners
        cuda = any(p.is_cuda for p in model.parameters()) or any(b.is_cuda for b in model.buffers())
        self.cuda = cuda
        self.profiler = Profiler(self, model, self.modules, owners, cuda, stats_every, stats_budget,
                                 sample_limit, queue_size)
        self.agg = None
        self.state_changed = False
        self.sock_path = None
        self.tcp_address = None
        self.token = None
        self._listeners = []
        d = socket_dir()
        path = os.path.join(d, socket_name(self.pid, self.rank, self.world_size, name))
        with _active_lock:
            if path in _active_paths:
                raise AgentError(f"an agent of this process already listens on {path}: give attach() a name=")
            _active_paths.add(path)
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        us = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            us.bind(path)
            os.chmod(path, 0o600)
            us.listen(4)
        except OSError as e:
            us.close()
            with _active_lock:
                _active_paths.discard(path)
            raise AgentError(f"cannot listen on {path}: {e}") from e
        self.sock_path = path
        self._listeners.append((us, "unix"))
        if tcp:
            ts = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            ts.bind(("127.0.0.1", 0))
            ts.listen(4)
            self.tcp_address = ts.getsockname()
            self.token = secrets.token_hex(16)
            self._listeners.append((ts, "tcp"))
            print(f"nntop_agent: listening on 127.0.0.1:{self.tcp_address[1]} token {self.token}",
                  file=sys.stderr, flush=True)
        self._log(f"listening on {path}")
        for s, kind in self._listeners:
            threading.Thread(target=self._accept_loop, args=(s, kind), daemon=True,
                             name=f"nntop-agent-accept-{kind}").start()
        atexit.register(self.close)

    # ---- public API ----------------------------------------------------------------------------------------

    def log(self, loss=None, **_ignored):
        """Reports this step's loss (a number or a 1-element tensor; a CUDA tensor is read without blocking)."""
        if loss is None or self.conn is None:
            return
        try:
            if isinstance(loss, torch.Tensor):
                t = loss.detach().reshape(-1)[:1].to(torch.float64)
                pend = _finish(t) if t.is_cuda else Pending(values=t.tolist())
            else:
                pend = Pending(values=[float(loss)])
            self.loss_pending.append(pend)
        except Exception as e:
            self._log(f"log(loss=...) ignored: {e}")

    def watch_optimizer(self, optimizer):
        self.optimizers.append(weakref.ref(optimizer))
        return optimizer

    def close(self):
        """Stops listening and disconnects the viewer; the hooks are removed at the next forward of the root."""
        if self.closed:
            return
        self.closed = True
        self.want_hooks = False
        for s, _ in self._listeners:
            try:
                s.close()
            except OSError:
                pass
        if self.sock_path:
            try:
                os.unlink(self.sock_path)
            except OSError:
                pass
            with _active_lock:
                _active_paths.discard(self.sock_path)
        c = self.conn
        if c is not None:
            c.close()

    @property
    def dropped(self):
        return self.profiler.dropped

    # ---- profiler host interface (training thread) -----------------------------------------------------------

    def keep_boundary(self):
        return self.want_hooks or bool(self.pending)

    def _params_for_hooks(self):
        return unique_parameters(self.model)

    def _log(self, msg):
        if self.verbose:
            print(f"nntop_agent[{self.pid}]: {msg}", file=sys.stderr, flush=True)

    def _wake_sender(self):
        """Wakes the sender thread (blocked on the record queue) unless a record will wake it anyway."""
        recs = self.profiler.records
        if recs.empty():
            try:
                recs.put_nowait(None)
            except queue.Full:
                pass

    def _outbox(self, obj):
        c = self.conn
        if c is not None:
            c.post(obj)

    def _apply_pending(self):
        changed = False
        while self.pending:
            try:
                cmd = self.pending.popleft()
            except IndexError:
                break
            verb, cid = cmd["verb"], cmd.get("id")
            try:
                ok, msg, extra = getattr(self, "_do_" + verb)(cmd)
                changed = changed or ok
            except Exception as e:
                ok, msg, extra = False, None, None
                self._log(f"command {verb} failed: {e}")
                self._outbox(message("reply", id=cid, ok=False, message=None, error=f"{verb} failed: {e}"))
                continue
            reply = message("reply", id=cid, ok=ok, message=msg if ok else None, error=None if ok else msg)
            if extra:
                reply.update(extra)
            if ok and verb in ("set_requires_grad", "undo", "set_training"):
                self._outbox(message("tree", tree=self._tree()))
            self._outbox(reply)
        if changed and self.profiler.installed:
            self.profiler.sync_param_hooks()

    def _watched_ids(self):
        ids = set()
        alive = False
        for ref in self.optimizers:
            opt = ref()
            if opt is None:
                continue
            alive = True
            for g in opt.param_groups:
                for p in g["params"]:
                    ids.add(id(p))
        return alive, ids

    def _describe(self, changes, what):
        alive, ids = self._watched_ids()
        rows = []
        update, no_update, still_grad = [], [], []
        for qname, p, before in changes:
            in_opt = (id(p) in ids) if alive else None
            will = bool(p.requires_grad) and bool(in_opt) if alive else None
            rows.append({"name": qname, "requires_grad": bool(p.requires_grad), "was": before,
                         "in_optimizer": in_opt, "will_update": will})
            if will:
                update.append(qname)
            else:
                no_update.append(qname)
            if not p.requires_grad and p.grad is not None:
                still_grad.append(qname)
        n = len(changes)
        msg = f"{what}: {n} parameter{'s' if n != 1 else ''} changed"
        if not alive:
            msg += ("; no optimizer is watched (agent.watch_optimizer(opt)), so which of them an optimizer "
                    "updates is unknown; frozen ones get no gradient")
        else:
            msg += f"; the optimizer will update {len(update)} and will not update {len(no_update)}"
            not_in = [r["name"] for r in rows if r["requires_grad"] and not r["in_optimizer"]]
            if not_in:
                msg += f" ({len(not_in)} trainable but in no watched optimizer's param_groups: {', '.join(not_in[:5])}" \
                       + (", ..." if len(not_in) > 5 else "") + ")"
        if still_grad:
            msg += (f"; {len(still_grad)} frozen still hold a .grad: momentum or weight decay can move them until "
                    "zero_grad(set_to_none=True)")
        return msg, {"parameters": rows}

    def _do_set_requires_grad(self, cmd):
        value = cmd["value"]
        if "parameters" in cmd:
            named = [(n, self.param_by_name[n]) for n in cmd["parameters"]]
            what = f"requires_grad={value} on {len(named)} parameter{'s' if len(named) != 1 else ''}"
        else:
            name = cmd["module"]
            prefix = name + "." if name else ""
            named = [(prefix + n, p) for n, p in self.by_name[name].named_parameters()]
            what = f"requires_grad={value} on '{name}'"
        seen = set()
        changes = []
        for pname, p in named:
            if id(p) in seen:
                continue
            seen.add(id(p))
            before = bool(p.requires_grad)
            if value and not (p.is_floating_point() or p.is_complex()):
                continue
            p.requires_grad_(value)
            changes.append((pname, p, before))
        self.undo_stack.append([(p, before) for _, p, before in changes])
        return (True, *self._describe(changes, what))

    def _do_undo(self, cmd):
        if not self.undo_stack:
            return False, "nothing to undo", None
        last = self.undo_stack.pop()
        names = {id(p): n for n, p in unique_parameters(self.model)}
        changes = []
        for p, before in last:
            now = bool(p.requires_grad)
            p.requires_grad_(before)
            changes.append((names.get(id(p), "?"), p, now))
        return (True, *self._describe(changes, "undo"))

    def _do_set_training(self, cmd):
        self.model.train(cmd["value"])
        return True, f"model.train({cmd['value']})", None

    def _tree(self):
        tree, _ = build_tree(self.model, self.source)
        return tree

    # ---- network threads -------------------------------------------------------------------------------------

    def _accept_loop(self, lsock, kind):
        while not self.closed:
            try:
                s, _ = lsock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(s, kind), daemon=True, name="nntop-agent-conn").start()

    def _peer_ok(self, s):
        if not hasattr(socket, "SO_PEERCRED"):
            return True  # the 0700 directory is the only gate on systems without SO_PEERCRED
        creds = s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        pid, uid, gid = struct.unpack("3i", creds)
        return uid == os.geteuid()

    def _serve(self, s, kind):
        conn = _Conn(s, kind, self._wake_sender)
        try:
            if kind == "unix" and not self._peer_ok(s):
                self._log("refused a viewer of another user")
                conn.send(message("error", error="refused: not the same user"))
                conn.close()
                return
            if kind == "tcp":
                s.settimeout(10)
                try:
                    line = conn.readline()
                    obj = json.loads(line) if line else None
                except (ValueError, OSError):
                    obj = None
                tok = obj.get("token") if isinstance(obj, dict) and obj.get("type") == "auth" else None
                if not isinstance(tok, str) or not hmac.compare_digest(tok.encode(), self.token.encode()):
                    self._log("refused a TCP viewer: bad or missing auth token")
                    conn.send(message("error", error="refused: bad or missing auth token"))
                    conn.close()
                    return
            s.settimeout(None)
            deadline = time.monotonic() + 2.0  # a viewer that just left may still be being torn down
            while True:
                with self.lock:
                    busy = self.conn is not None or self.closed
                    if not busy:
                        self.conn = conn
                if not busy or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            if busy:
                conn.send(message("error", error="refused: another viewer is attached"))
                conn.close()
                return
            # a viewer that stops reading must not stall the sender forever
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 10, 0))
            self._session(conn)
        except Exception as e:  # never let a viewer crash the process
            self._log(f"viewer connection error: {e!r}")
        finally:
            conn.close()
            with self.lock:
                mine = self.conn is conn
                if mine:
                    self.conn = None
                    self.want_hooks = False
                    self.paused = False
            if mine:
                self._log("viewer detached; hooks are removed at the next forward")

    def _session(self, conn):
        self._log("viewer attached")
        self.rank, self.world_size = rank_info()
        while True:
            try:
                self.profiler.records.get_nowait()
            except queue.Empty:
                break
        self.profiler.dropped = 0
        self.losses.clear()
        self.loss_pending.clear()
        self.agg = Aggregator(self.names, self.owners, self.window, self.profiler.event_pool, self._log)
        hello = message("hello", agent_version=__version__, pid=self.pid, name=self.name, rank=self.rank,
                        world_size=self.world_size, torch_version=torch.__version__,
                        device=default_device(self.model), allow_mode=self.allow_mode)
        if not conn.send(hello) or not conn.send(message("tree", tree=self._tree())):
            return
        self.want_hooks = True
        self.profiler.add_boundary()
        sender = threading.Thread(target=self._sender, args=(conn, self.agg), daemon=True, name="nntop-agent-send")
        sender.start()
        while not conn.closed.is_set():
            try:
                line = conn.readline()
            except ValueError as e:
                self._log(f"refused an oversized line: {e}")
                conn.post(message("error", error=f"refused: {e}; closing the connection"))
                time.sleep(0.1)  # let the sender flush the error line
                break
            if line is None:
                break
            self._handle_line(conn, line)
        conn.closed.set()
        self._wake_sender()
        sender.join(timeout=2)

    def _sender(self, conn, agg):
        last = 0.0
        interval = SNAPSHOT_EVERY
        recs = self.profiler.records
        last_state = None
        while not conn.closed.is_set():
            # records, replies and the end of the connection wake it (None: a wake-up only); it polls only
            # while CUDA work or a snapshot is pending
            if agg.waiting or self.loss_pending:
                timeout = 0.02
            elif agg.dirty:
                timeout = min(0.25, max(0.005, interval - (time.monotonic() - last)))
            else:
                timeout = 0.25
            try:
                rec = recs.get(timeout=timeout)
                if rec is not None:
                    agg.add(rec)
                for _ in range(256):
                    rec = recs.get_nowait()
                    if rec is not None:
                        agg.add(rec)
            except queue.Empty:
                pass
            while self.loss_pending and self.loss_pending[0].ready():
                v = self.loss_pending.popleft().get()
                self.losses.append(v[0])
                agg.dirty = True
            agg.poll()
            if agg.stats_cpu:
                # the statistics' share of this thread's work counts against their budget too
                self.profiler.async_spent += int(agg.stats_cpu * 1e9)
                agg.stats_cpu = 0.0
            while True:
                try:
                    obj = conn.outbox.get_nowait()
                except queue.Empty:
                    break
                if not conn.send(obj):
                    return
            state = "paused" if self.paused else "running"
            now = time.monotonic()
            if (agg.dirty and now - last >= interval) or state != last_state:
                cpu = time.thread_time()
                line = agg.snapshot_line(state, None, self.profiler.dropped, self.losses, pause=_yield_gil)
                cpu = time.thread_time() - cpu
                if not conn.send_bytes(line):
                    return
                last = now
                last_state = state
                # a snapshot of a big model costs milliseconds of the GIL and of a core shared with the training
                # thread (ResNet-18: ~3 ms of CPU on a loaded 2-core host): keep that under ~0.5 % of the time;
                # it is built in pieces of ~1 ms with the GIL released in between (_yield_gil), so the training
                # thread is not held off for the whole of it
                interval = max(SNAPSHOT_EVERY, SNAPSHOT_CPU_SHARE_INV * cpu)

    def _handle_line(self, conn, line):
        def err(text, cid=None, as_reply=False):
            self._log(f"refused a command: {text}")
            if as_reply:
                conn.post(message("reply", id=cid, ok=False, message=None, error=text))
            else:
                conn.post(message("error", error=text))
        try:
            obj = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            return err(f"not JSON: {e}")
        if not isinstance(obj, dict):
            return err("not a JSON object")
        if obj.get("type") != "command":
            return err(f"unknown message type {obj.get('type')!r} (expected 'command')")
        if "schema_version" in obj and obj["schema_version"] != SCHEMA_VERSION:
            return err(f"schema_version {obj['schema_version']!r} is not {SCHEMA_VERSION}")
        cid = obj.get("id")
        if cid is not None and (isinstance(cid, bool) or not isinstance(cid, (int, str))):
            return err("id must be an integer or a string")
        verb = obj.get("verb")
        if verb not in VERBS:
            return err(f"unknown verb {verb!r}", cid, True)
        if verb == "set_requires_grad":
            mod, params, val = obj.get("module"), obj.get("parameters"), obj.get("value")
            if not isinstance(val, bool):
                return err("set_requires_grad needs 'value' (true or false)", cid, True)
            if params is not None:
                # The viewer's own selection (a subtree, or an undo of its own): qualified parameter names.
                if mod is not None or not isinstance(params, list) or not all(isinstance(p, str) for p in params):
                    return err("set_requires_grad needs either 'module' (a string) or 'parameters' (a list of names)",
                               cid, True)
                unknown = [p for p in params if p not in self.param_by_name]
                if unknown:
                    return err(f"no parameter named {unknown[0]!r}", cid, True)
                return self._queue({"verb": verb, "id": cid, "parameters": params, "value": val})
            if not isinstance(mod, str):
                return err("set_requires_grad needs 'module' (a string) or 'parameters' (a list of names)", cid, True)
            if mod not in self.by_name:
                return err(f"no module named {mod!r}", cid, True)
            return self._queue({"verb": verb, "id": cid, "module": mod, "value": val})
        if verb == "undo":
            return self._queue({"verb": verb, "id": cid})
        if verb == "set_training":
            if not self.allow_mode:
                return err("set_training refused: the agent was not started with allow_mode=True", cid, True)
            val = obj.get("value")
            if not isinstance(val, bool):
                return err("set_training needs 'value' (true or false)", cid, True)
            return self._queue({"verb": verb, "id": cid, "value": val})
        if verb == "ping":
            conn.post(message("reply", id=cid, ok=True, message="pong", error=None))
            return None
        if verb in ("pause", "resume"):
            with self.lock:
                self.paused = verb == "pause"
                self.want_hooks = not self.paused and self.conn is conn
                self.profiler.add_boundary()
            conn.post(message("reply", id=cid, ok=True, error=None,
                                    message="paused: every hook is removed at the next step boundary"
                                    if verb == "pause" else "resumed: hooks return at the next step boundary"))
            return None
        if verb == "export":
            path = obj.get("path")
            if path is not None and (not isinstance(path, str) or not path or "\0" in path):
                return err("export: 'path' must be a non-empty string", cid, True)
            try:
                written = self._export(path)
            except OSError as e:
                return err(f"export failed: {e}", cid, True)
            conn.post(message("reply", id=cid, ok=True, message=written, error=None, path=written))
            return None
        return err(f"unhandled verb {verb!r}", cid, True)  # pragma: no cover

    def _queue(self, cmd):
        with self.lock:
            self.pending.append(cmd)
            self.profiler.add_boundary()
        return None

    def _export(self, path):
        if path is None:
            path = f"nntop-session-{self.pid}-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path = os.path.abspath(path)
        agg = self.agg
        snap = agg.snapshot("recorded", None, self.profiler.dropped, self.losses)
        session = {"format": "nntop-session", "schema_version": SCHEMA_VERSION, "tree": self._tree(),
                   "snapshot": snap}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(dumps_line(session))
        return path


def attach(model, name=None, tcp=False, allow_mode=False, stats_every=1, stats_budget=0.05, window=64,
           sample_limit=1 << 16, queue_size=64, verbose=True):
    """Starts listening for an nntop viewer and returns the Agent at once. Until a viewer connects no hook is
    installed. stats_every: statistics (activations, gradients, backward times) at most every k-th step and
    within stats_budget (a fraction of the wall time); 0 turns them off (forward latency only)."""
    global _current
    agent = Agent(model, name=name, tcp=tcp, allow_mode=allow_mode, stats_every=stats_every,
                  stats_budget=stats_budget, window=window, sample_limit=sample_limit, queue_size=queue_size,
                  verbose=verbose)
    _current = agent
    return agent


def current():
    return _current
