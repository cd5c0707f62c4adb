"""Hooks on the training thread: forward timing per call, sampled statistics, backward node timing.

Everything here runs inside the user's forward/backward and only appends to lists; records leave through a
bounded queue (`put_nowait`, dropped and counted when full) to the aggregator thread, which turns them into
snapshots. Nothing here blocks, synchronizes a device or touches a socket.

Thread safety: module forward hooks are read by `Module._call_impl` through a tuple snapshot of the hook
dicts, so adding the root's boundary hook from the listener thread is safe; every other hook (module hooks,
parameter post-accumulate-grad hooks) is added and removed on the training thread, in the root's forward
pre-hook, i.e. between steps.
"""
import collections
import queue
import time
from functools import partial
from typing import Mapping

import torch

from ._stats import activation_stats, gradient_stats

_perf = time.perf_counter_ns
_ACCUMULATE_SEQ = 1 << 63  # AccumulateGrad nodes carry UINT64_MAX as their sequence number

try:
    _next_seq = torch._C._autograd._get_sequence_nr
except AttributeError:  # pragma: no cover - older torch: backward attribution by input nodes only
    _next_seq = None


def flatten_tensors(out, path="", acc=None, limit=8):
    """[(path, tensor)] of a nested output: "" for a single tensor, "0", "1.last_hidden_state" otherwise."""
    if acc is None:
        acc = []
    if len(acc) >= limit:
        return acc
    if isinstance(out, torch.Tensor):
        acc.append((path, out))
    elif isinstance(out, (list, tuple)):
        for k, v in enumerate(out):
            flatten_tensors(v, f"{path}.{k}" if path else str(k), acc, limit)
    elif isinstance(out, Mapping):
        for k, v in out.items():
            flatten_tensors(v, f"{path}.{k}" if path else str(k), acc, limit)
    return acc


class Profiler:
    """Owns the hooks of one attached model. `host` supplies `_apply_pending()`, `want_hooks` and
    `keep_boundary()` (the Agent)."""

    def __init__(self, host, model, modules, owners, cuda, stats_every, stats_budget, sample_limit, queue_size):
        self.host = host
        self.model = model
        self.modules = modules            # [(name, module)] = named_modules()
        self.owners = owners              # module row -> [param ids]
        self.cuda = cuda
        self.stats_every = stats_every
        self.stats_budget = stats_budget
        self.sample_limit = sample_limit
        self.records = queue.Queue(maxsize=queue_size)
        self.dropped = 0
        self.boundary_handle = None
        self.handles = []
        self.param_handles = {}           # param id -> handle
        self.params = []                  # [(name, tensor)] tree order
        self.installed = False
        self.calls = None
        self.stack = []
        self.step = 0
        self.detail = False
        self.excl = 0
        self.credit = 0.0
        self.last_boundary = None
        self.stats_spent = 0
        self.fstats = None
        self.seq_lo = {}
        self.bwd = None
        self.grad_pending = None
        self.claimed = None
        self.event_pool = collections.deque()
        self.step_t0 = 0
        self.bwd_calls = None
        self.was_detail = False
        self.plain_ns = 0

    # ---- installation -------------------------------------------------------------------------------------

    def add_boundary(self):
        """Called from any thread: the root's first forward pre-hook (prepended), which does everything else."""
        if self.boundary_handle is None:
            self.boundary_handle = self.model.register_forward_pre_hook(self._boundary, prepend=True)

    def _remove_boundary(self):
        h, self.boundary_handle = self.boundary_handle, None
        if h is not None:
            h.remove()

    def _install(self, params):
        self.params = params
        for i, (_, m) in enumerate(self.modules):
            if i:
                self.handles.append(m.register_forward_pre_hook(partial(self._pre, i)))
            self.handles.append(m.register_forward_hook(partial(self._post, i)))
        self.sync_param_hooks()
        self.installed = True

    def sync_param_hooks(self):
        """Post-accumulate-grad hooks on exactly the parameters that require grad (training thread only)."""
        want = {}
        for pid, (_, p) in enumerate(self.params):
            if p.requires_grad:
                want[pid] = p
        for pid in list(self.param_handles):
            if pid not in want:
                self.param_handles.pop(pid).remove()
        for pid, p in want.items():
            if pid not in self.param_handles and hasattr(p, "register_post_accumulate_grad_hook"):
                self.param_handles[pid] = p.register_post_accumulate_grad_hook(partial(self._grad_hook, pid))

    def remove_all(self):
        for h in self.handles:
            h.remove()
        self.handles = []
        for h in self.param_handles.values():
            h.remove()
        self.param_handles = {}
        self.installed = False
        self.calls = None
        self.stack = []
        self.detail = False
        self.bwd = self.grad_pending = self.claimed = None

    def _event(self):
        try:
            return self.event_pool.pop()
        except IndexError:
            return torch.cuda.Event(enable_timing=True)

    def push(self, rec):
        try:
            self.records.put_nowait(rec)
        except queue.Full:
            self.dropped += 1

    # ---- the step boundary (root forward pre-hook) ---------------------------------------------------------

    def _boundary(self, mod, args):
        try:
            self._step_boundary(mod, args)
        except Exception as e:  # the agent must never break the user's forward
            self.host._log(f"step boundary failed: {e!r}; profiling this step is skipped")
            self.calls = None
            self.stack = []
            self.detail = False
        return None

    def _step_boundary(self, mod, args):
        now = _perf()
        host = self.host
        if self.calls is not None and self.stack:
            # the previous forward raised: the innermost module still on the stack is where it failed
            self.push(("failed", self.modules[self.calls[self.stack[-1]][0]][0]))
        if self.detail and self.bwd:
            self.push(("bwd", self.step - 1, self.bwd_calls, self.bwd, self.grad_pending))
        self.calls = None
        self.stack = []
        self.bwd = self.grad_pending = self.claimed = None
        self.detail = False
        host._apply_pending()
        want = host.want_hooks
        if want and not self.installed:
            self._install(host._params_for_hooks())
        elif not want and self.installed:
            self.remove_all()
        if not self.installed:
            if not host.keep_boundary():
                self._remove_boundary()
            self.last_boundary = None
            self.was_detail = False
            return None
        # statistics budget: each step earns budget × its wall time; a statistics step spends what its
        # statistics measured, or its excess over a plain step's time when that is more (node hooks, caches)
        if self.last_boundary is not None:
            dt = now - self.last_boundary
            spent = self.stats_spent
            if self.was_detail:
                if self.plain_ns:
                    spent = max(spent, dt - self.plain_ns)
            elif self.plain_ns:
                self.plain_ns += (dt - self.plain_ns) * 0.2
            else:
                self.plain_ns = dt
            self.credit += self.stats_budget * dt - spent
            cap = self.stats_budget * 1e9
            if self.credit > cap:
                self.credit = cap
        self.last_boundary = now
        self.stats_spent = 0
        self.detail = (self.stats_every > 0 and self.step % self.stats_every == 0 and self.credit >= 0)
        self.was_detail = self.detail
        self.step += 1
        self.calls = []
        self.fstats = {} if self.detail else None
        if self.detail:
            self.bwd_calls = self.calls
            self.bwd = {}
            self.grad_pending = {}
            self.claimed = set()
            self.seq_lo = {}
        self.step_t0 = now
        self._pre(0, mod, args)
        return None

    # ---- forward hooks --------------------------------------------------------------------------------------

    def _pre(self, i, mod, args):
        calls = self.calls
        if calls is None:
            return None
        stack = self.stack
        idx = len(calls)
        if self.detail and _next_seq is not None:
            self.seq_lo[idx] = _next_seq()
        if self.cuda:
            ev = self._event()
            calls.append([i, stack[-1] if stack else -1, ev, None, 0, 0])
            stack.append(idx)
            ev.record()
        else:
            rec = [i, stack[-1] if stack else -1, 0, 0, self.excl, 0]
            calls.append(rec)
            stack.append(idx)
            rec[2] = _perf()
        return None

    def _post(self, i, mod, args, out):
        if self.cuda:
            calls = self.calls
            if calls is None or not self.stack:
                return None
            ev = self._event()
            ev.record()
            t1 = ev
        else:
            t1 = _perf()
            calls = self.calls
            if calls is None or not self.stack:
                return None
        stack = self.stack
        # a call whose forward raised and was caught by its caller never reached here: skip past it
        while stack and calls[stack[-1]][0] != i:
            stack.pop()
        if not stack:
            return None
        idx = stack.pop()
        rec = calls[idx]
        rec[3] = t1
        rec[5] = self.excl
        if self.detail:
            t = _perf()
            try:
                self._details(idx, i, out)
            except Exception as e:  # statistics must never break the user's forward
                self.host._log(f"statistics of {self.modules[i][0] or '<root>'} failed: {e}")
            cost = _perf() - t
            self.excl += cost
            self.stats_spent += cost
        if i == 0 and not stack:
            self.push(("fwd", self.step - 1, calls, self.fstats, self.detail, self.step_t0, _perf()))
            self.calls = None
        return None

    def _details(self, idx, i, out):
        tensors = flatten_tensors(out)
        stats = []
        for path, t in tensors:
            r = activation_stats(t, self.sample_limit)
            if r is not None:
                n, k, pend = r
                stats.append((path, list(t.shape), str(t.dtype).replace("torch.", ""), n, k, pend))
        self.fstats[idx] = stats
        if self.bwd is None or not torch.is_grad_enabled():
            return
        lo = self.seq_lo.pop(idx, None)
        if lo is None:
            return
        todo = [t.grad_fn for _, t in tensors if t.grad_fn is not None]
        seen = set()
        claimed = self.claimed
        bwd = self.bwd
        while todo:
            n = todo.pop()
            if n is None:
                continue
            s = n._sequence_nr()
            if s < lo or s >= _ACCUMULATE_SEQ or s in seen:
                continue
            seen.add(s)
            if s not in claimed:
                claimed.add(s)
                bwd[s] = [idx, type(n).__name__, None, None]
                n.register_prehook(partial(self._node_pre, s))
                n.register_hook(partial(self._node_post, s))
            todo.extend(f for f, _ in n.next_functions)

    # ---- backward hooks (autograd engine thread) -------------------------------------------------------------

    def _node_pre(self, s, grad_outputs):
        b = self.bwd
        if b is not None:
            r = b.get(s)
            if r is not None:
                if self.cuda:
                    ev = self._event()
                    ev.record()
                    r[2] = ev
                else:
                    r[2] = _perf()
        return None

    def _node_post(self, s, grad_inputs, grad_outputs):
        b = self.bwd
        if b is not None:
            r = b.get(s)
            if r is not None:
                if self.cuda:
                    ev = self._event()
                    ev.record()
                    r[3] = ev
                else:
                    r[3] = _perf()
        return None

    def _grad_hook(self, pid, p):
        pend = self.grad_pending
        if pend is None or p.grad is None:
            return
        t = _perf()
        try:
            pend[pid] = gradient_stats(p.grad)
        except Exception as e:
            self.host._log(f"gradient statistics of {self.params[pid][0]} failed: {e}")
        self.stats_spent += _perf() - t
