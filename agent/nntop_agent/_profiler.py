"""Hooks on the training thread: forward timing per call, sampled statistics, backward node timing.

The hot path is one flat log per step. Every module except the root gets a forward pre-hook and a forward hook
that only append two items to a bounded deque: a code (the module's row `i` before the call, `~i` after it) and
`perf_counter_ns()` (on CUDA a recorded `torch.cuda.Event`). The hooks are plain functions with their row, the
deque's `append` and the clock bound as default arguments: no attribute or dict lookup, no branch, no allocation
but the time's int. Everything else — pairing calls, parents, inclusive/self times, call counts — is done in
bulk from the log by the aggregator thread (`_aggregate.parse_log`), once per step.

Statistics steps (at most every `stats_every`-th step, within the time budget) add their own hooks at the step
boundary and remove them at the next one: a prepended pre-hook (the call's log position and autograd sequence
number) and a forward hook after the timing one (output statistics, backward node hooks); it logs its own cost
as `(EXCL, ns)` so the aggregator subtracts it from every call around it. Gradient statistics
(post-accumulate-grad hooks) are registered for statistics steps only too. A plain step runs no agent code but
the timing hooks and the root's boundary and end hooks.

Records leave through a bounded queue (`put_nowait`, dropped and counted when full) to the aggregator thread,
which turns them into snapshots. Nothing here blocks, synchronizes a device or touches a socket.

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
LOG_LIMIT = 1 << 20  # items in a step's forward log (2 per hook call): bounds the memory of calls outside the root

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


# ---- the hot-path hooks: plain functions, everything bound as default arguments ---------------------------------

def _cpu_hooks(i, append):
    """Forward pre-hook and hook of module row i on CPU: log (i, t) before the call and (~i, t) after it."""
    def pre(mod, args, _a=append, _c=i, _t=_perf):
        _a(_c)
        _a(_t())

    def post(mod, args, out, _a=append, _c=~i, _t=_perf):
        _a(_c)
        _a(_t())
    return pre, post


def _cuda_hooks(i, append, event):
    """The same on CUDA: the logged value is a recorded event (read by the aggregator once it completed)."""
    def pre(mod, args, _a=append, _c=i, _e=event):
        ev = _e()
        _a(_c)
        _a(ev)
        ev.record()

    def post(mod, args, out, _a=append, _c=~i, _e=event):
        ev = _e()
        _a(_c)
        _a(ev)
        ev.record()
    return pre, post


def _node_hooks(s, append, event):
    """Autograd node pre/post hooks of sequence number s: log (s, t) and (~s, t) (events on CUDA)."""
    if event is None:
        def pre(grad_outputs, _a=append, _c=s, _t=_perf):
            _a(_c)
            _a(_t())

        def post(grad_inputs, grad_outputs, _a=append, _c=~s, _t=_perf):
            _a(_c)
            _a(_t())
        return pre, post

    def cpre(grad_outputs, _a=append, _c=s, _e=event):
        ev = _e()
        _a(_c)
        _a(ev)
        ev.record()

    def cpost(grad_inputs, grad_outputs, _a=append, _c=~s, _e=event):
        ev = _e()
        _a(_c)
        _a(ev)
        ev.record()
    return cpre, cpost


class Profiler:
    """Owns the hooks of one attached model. `host` supplies `_apply_pending()`, `want_hooks` and
    `keep_boundary()` (the Agent)."""

    def __init__(self, host, model, modules, owners, cuda, stats_every, stats_budget, sample_limit, queue_size):
        self.host = host
        self.model = model
        self.modules = modules            # [(name, module)] = named_modules()
        self.owners = owners              # module row -> [param ids]
        self.excl_code = len(modules)     # log code of a statistics cost: (EXCL, ns) is subtracted around it
        self.cuda = cuda
        self.stats_every = stats_every
        self.stats_budget = stats_budget
        self.sample_limit = sample_limit
        self.records = queue.Queue(maxsize=queue_size)
        self.dropped = 0
        self.boundary_handle = None
        self.handles = []                 # timing hooks (while installed)
        self.detail_handles = []          # statistics hooks of modules (statistics steps only)
        self.param_handles = {}           # param id -> post-accumulate-grad handle (statistics steps only)
        self.params = []                  # [(name, tensor)] tree order
        self.installed = False
        self.hooks_cuda = cuda
        self.log = collections.deque(maxlen=LOG_LIMIT)
        self.in_forward = False
        self.step = 0
        self.detail = False
        self.credit = 0.0
        self.last_boundary = None
        self.stats_spent = 0
        self.fstats = None                # log position of a call's pre event -> output statistics
        self.dstack = None                # [(row, log position, sequence number)] of open statistics calls
        self.bwd = None                   # node sequence number -> (log position of its call, node class)
        self.nlog = None                  # backward node log: (s, t) / (~s, t)
        self.grad_pending = None
        self.claimed = None
        self.detail_log = None
        self.event_pool = collections.deque()
        self.step_t0 = 0
        self.was_detail = False
        self.plain_recent = collections.deque(maxlen=9)  # wall times of the last plain steps (ns)
        self.async_spent = 0              # ns of the aggregator thread's CPU on statistics records (it adds)
        self.async_seen = 0               # ... of which already charged (the training thread)

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
        append = self.log.append
        self.hooks_cuda = cuda = self.cuda
        for i, (_, m) in enumerate(self.modules):
            if i == 0:
                self.handles.append(m.register_forward_hook(self._root_post))
                continue
            pre, post = _cuda_hooks(i, append, self._event) if cuda else _cpu_hooks(i, append)
            self.handles.append(m.register_forward_pre_hook(pre))
            self.handles.append(m.register_forward_hook(post))
        self.installed = True

    def _set_detail_hooks(self, on):
        """Statistics hooks for this step (on) or none (off); gradient hooks follow requires_grad."""
        if on:
            if not self.detail_handles:
                for i, (_, m) in enumerate(self.modules):
                    if i:
                        self.detail_handles.append(m.register_forward_pre_hook(partial(self._detail_pre, i),
                                                                               prepend=True))
                        self.detail_handles.append(m.register_forward_hook(partial(self._detail_post, i)))
            self._sync_grad_hooks()
            return
        for h in self.detail_handles:
            h.remove()
        self.detail_handles = []
        for h in self.param_handles.values():
            h.remove()
        self.param_handles = {}

    def sync_param_hooks(self):
        """After a requires_grad change: the gradient hooks of a statistics step follow it."""
        if self.detail_handles:
            self._sync_grad_hooks()

    def _sync_grad_hooks(self):
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
        self._set_detail_hooks(False)
        self.installed = False
        self._reset_step()

    def _reset_step(self):
        self.log.clear()
        self.in_forward = False
        self.detail = False
        self.fstats = self.dstack = self.bwd = self.nlog = self.grad_pending = self.claimed = None
        self.detail_log = None

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
            self._reset_step()
        return None

    def _open_module(self):
        """The innermost module whose call is still open in the log (a forward that raised), or None."""
        log = list(self.log)
        n = self.excl_code
        stack = []
        for k in range(0, len(log) - 1, 2):
            c = log[k]
            if c >= 0:
                if c < n:
                    stack.append(c)
            else:
                i = ~c
                while stack and stack[-1] != i:
                    stack.pop()
                if stack:
                    stack.pop()
        return self.modules[stack[-1]][0] if stack else None

    def _step_boundary(self, mod, args):
        now = _perf()
        host = self.host
        if self.in_forward:
            # the previous forward raised: the innermost module still open in the log is where it failed
            name = self._open_module()
            if name is not None:
                self.push(("failed", name))
        if self.detail_log is not None and (self.bwd or self.grad_pending):
            self.push(("bwd", self.step - 1, self.detail_log, self.bwd, self.nlog, self.grad_pending))
        # statistics budget: each step earns budget × its wall time; a statistics step spends what its
        # statistics measured, or its excess over a plain step's time when that is more (node hooks, caches).
        # The usual step time is the median of the last plain steps. A step earns on at most twice that: a pause
        # between steps (evaluation, checkpointing, other work of the process) buys no burst of statistics; nor is
        # a statistics step followed by a pause charged more than twice what its statistics measured.
        if self.last_boundary is not None:  # the previous step ran with the hooks: charge it even if they go now
            dt = now - self.last_boundary
            recent = self.plain_recent
            plain = sorted(recent)[len(recent) // 2] if recent else 0
            spent = self.stats_spent
            earn = dt
            if plain:
                earn = min(dt, 2 * plain)
                if self.was_detail:
                    spent = max(spent, min(dt, 2 * (plain + spent)) - plain)
            # plus the aggregator thread's CPU time on statistics records (written by that thread only)
            done = self.async_spent
            spent += done - self.async_seen
            self.async_seen = done
            if not self.was_detail:
                recent.append(dt)
            if self.stats_every > 0 or spent:  # no statistics, nothing to save up for
                self.credit += self.stats_budget * earn - spent
                cap = self.stats_budget * 1e9
                if self.credit > cap:
                    self.credit = cap
        self._reset_step()
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
            self.stats_spent = 0
            return None
        self.last_boundary = now
        self.stats_spent = 0
        detail = self.stats_every > 0 and self.step % self.stats_every == 0 and self.credit >= 0
        if detail or self.detail_handles or self.param_handles:
            t = _perf()
            self._set_detail_hooks(detail)
            if not detail:  # removing the last statistics step's hooks is its cost too
                self.credit -= _perf() - t
        self.detail = self.was_detail = detail
        self.step += 1
        if detail:
            self.fstats = {}
            self.bwd = {}
            self.nlog = []
            self.grad_pending = {}
            self.claimed = set()
            self.dstack = [(0, 0, _next_seq() if _next_seq is not None else None)]
        self.in_forward = True
        self.step_t0 = now
        log = self.log
        if self.hooks_cuda:
            ev = self._event()
            log.append(0)
            log.append(ev)
            ev.record()
        else:
            log.append(0)
            log.append(_perf())
        return None

    def _root_post(self, mod, args, out):
        log = self.log
        if self.hooks_cuda:
            ev = self._event()
            log.append(-1)
            log.append(ev)
            ev.record()
        else:
            log.append(-1)
            log.append(_perf())
        if not self.in_forward:
            return None
        self.in_forward = False
        if len(log) >= LOG_LIMIT:  # the step's start fell out of the bounded log: not recorded
            log.clear()
            self.dropped += 1
            self.detail_log = None
            return None
        if self.detail:
            self._detail_call(0, out)
        rec = list(log)
        log.clear()
        if self.detail:
            self.detail_log = rec
        self.push(("fwd", self.step - 1, rec, self.fstats, self.detail, self.step_t0, _perf()))
        return None

    # ---- statistics-step hooks ------------------------------------------------------------------------------

    def _detail_pre(self, i, mod, args):
        stack = self.dstack
        if stack is not None and self.in_forward:
            # prepended: the timing pre-hook logs this call at the current end of the log
            stack.append((i, len(self.log), _next_seq() if _next_seq is not None else None))
        return None

    def _detail_post(self, i, mod, args, out):
        if self.in_forward:
            self._detail_call(i, out)
        return None

    def _detail_call(self, i, out):
        """Output statistics and backward node hooks of the call of row i that just ended; logs its cost."""
        t = _perf()
        stack = self.dstack
        # a call whose forward raised and was caught by its caller never reached here: skip past it
        while stack and stack[-1][0] != i:
            stack.pop()
        if not stack:
            return
        _, pos, lo = stack.pop()
        try:
            self._details(pos, i, lo, out)
        except Exception as e:  # statistics must never break the user's forward
            self.host._log(f"statistics of {self.modules[i][0] or '<root>'} failed: {e}")
        cost = _perf() - t
        self.stats_spent += cost
        if i:  # the root's end stays the log's last value (on CUDA its event says when the step is readable)
            log = self.log
            log.append(self.excl_code)
            log.append(cost)

    def _details(self, pos, i, lo, out):
        tensors = flatten_tensors(out)
        stats = []
        for path, t in tensors:
            r = activation_stats(t, self.sample_limit)
            if r is not None:
                n, k, pend = r
                stats.append((path, list(t.shape), str(t.dtype).replace("torch.", ""), n, k, pend))
        self.fstats[pos] = stats
        if lo is None or self.bwd is None or not torch.is_grad_enabled():
            return
        todo = [t.grad_fn for _, t in tensors if t.grad_fn is not None]
        seen = set()
        claimed = self.claimed
        bwd = self.bwd
        append = self.nlog.append
        event = self._event if self.hooks_cuda else None
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
                bwd[s] = (pos, type(n).__name__)
                pre, post = _node_hooks(s, append, event)
                n.register_prehook(pre)
                n.register_hook(post)
            todo.extend(f for f, _ in n.next_functions)

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
